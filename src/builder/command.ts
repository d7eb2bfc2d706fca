import { cacheArg } from './cache.js';
import type { BuildOptions, Builder, CacheSpec } from './contract.js';

export interface BuildRequest {
  context: string;
  file: string;
  tags: string[];
  labels: string[];
  /** `level:key=value`; only ones this builder keeps (see buildAnnotations). */
  annotations: string[];
  buildArgs: Record<string, string>;
  target: string;
  platforms: string[];
  noCache: boolean;
  cacheFrom: CacheSpec[];
  cacheTo: CacheSpec[];
  /** SLSA provenance mode to attach, or `false`; undefined leaves buildx's default. */
  provenance?: 'min' | 'max' | 'false';
  buildOptions: BuildOptions;
  /** Into the daemon's image store, or into an OCI layout directory. */
  output: { load: true } | { layout: string };
  /** Where buildx writes what the build reported, BuildKit's check warnings among it. */
  metadataFile?: string;
}

/** The variable through which the n-th secret given by value reaches buildx. */
const secretVariable = (n: number): string => `SHIPSHAPE_BUILD_SECRET_${n}`;

/**
 * The flags for build-push-action's build inputs (pure), and the environment that carries
 * secret values: a secret reaches buildx by variable or file name, never by value.
 */
function optionArgs(options: BuildOptions, buildx: boolean): BuildCommand {
  const args: string[] = [];
  const env: Record<string, string> = {};
  options.secrets.forEach((secret, n) => {
    if ('file' in secret) return args.push('--secret', `id=${secret.id},src=${secret.file}`);
    const variable = 'env' in secret ? secret.env : secretVariable(n);
    if ('value' in secret) env[variable] = secret.value;
    return args.push('--secret', `id=${secret.id},env=${variable}`);
  });
  for (const spec of options.ssh) args.push('--ssh', spec);
  if (buildx)
    for (const [name, source] of Object.entries(options.buildContexts))
      args.push('--build-context', `${name}=${source}`);
  if (options.network) args.push('--network', options.network);
  for (const host of options.addHosts) args.push('--add-host', host);
  if (options.shmSize) args.push('--shm-size', options.shmSize);
  for (const ulimit of options.ulimits) args.push('--ulimit', ulimit);
  if (options.pull) args.push('--pull');
  return { args, env };
}

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
}

/** The docker CLI invocation for a build with the given builder (pure). */
export function buildCommand(req: BuildRequest, builder: Builder): BuildCommand {
  const buildx = builder.kind === 'buildx';
  const args = buildx ? ['buildx', 'build', ...(builder.name ? ['--builder', builder.name] : [])] : ['build'];
  if ('layout' in req.output) args.push('--output', `type=oci,dest=${req.output.layout},tar=false`);
  else if (buildx) args.push('--load');
  if (builder.kind !== 'classic') args.push('--progress=plain');
  // The classic builder leaves a failed step's container behind unless told otherwise.
  else args.push('--force-rm');
  args.push('--file', req.file);
  for (const tag of req.tags) args.push('--tag', tag);
  for (const label of req.labels) args.push('--label', label);
  for (const [key, value] of Object.entries(req.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (req.target) args.push('--target', req.target);
  if (req.platforms.length > 0) args.push('--platform', req.platforms.join(','));
  if (req.noCache) args.push('--no-cache');
  const options = optionArgs(req.buildOptions, buildx);
  args.push(...options.args);
  if (buildx) {
    for (const annotation of req.annotations) args.push('--annotation', annotation);
    for (const spec of req.cacheFrom) args.push('--cache-from', cacheArg(spec));
    for (const spec of req.cacheTo) args.push('--cache-to', cacheArg(spec));
    if (req.provenance)
      args.push(`--provenance=${req.provenance === 'false' ? 'false' : `mode=${req.provenance}`}`);
    if (req.metadataFile) args.push('--metadata-file', req.metadataFile);
  } else if (builder.kind === 'buildkit') {
    // BuildKit built into the CLI reads inline cache from images and writes it with a build arg.
    for (const spec of req.cacheFrom) if (spec.type === 'registry') args.push('--cache-from', spec.attrs.ref);
    if (req.cacheTo.some(s => s.type === 'inline')) args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
  }
  args.push(req.context);
  // Cache credentials reach buildx through its environment, never its arguments.
  const credentials = Object.assign(
    {},
    ...[...req.cacheFrom, ...req.cacheTo].map(s => s.env ?? {})
  ) as Record<string, string>;
  // The check warnings go into the metadata file; the provenance buildx would fetch for it is not read.
  const metadata = { BUILDX_METADATA_WARNINGS: '1', BUILDX_METADATA_PROVENANCE: 'disabled' };
  const env: Record<string, string> = buildx
    ? { ...credentials, ...options.env, ...(req.metadataFile ? metadata : {}) }
    : { ...options.env, DOCKER_BUILDKIT: builder.kind === 'buildkit' ? '1' : '0' };
  return { args, env };
}
