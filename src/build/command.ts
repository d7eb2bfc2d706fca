import type { Builder } from '../results.js';

export interface BuildRequest {
  context: string;
  file: string;
  tags: string[];
  labels: string[];
  buildArgs: Record<string, string>;
  target: string;
  platforms: string[];
  noCache: boolean;
}

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
}

/** The docker CLI invocation for a build with the given builder (pure). */
export function buildCommand(req: BuildRequest, builder: Builder, iidFile: string): BuildCommand {
  if (req.platforms.length > 0 && builder.kind !== 'buildx') {
    throw new Error(
      `input "platforms" needs docker buildx, which this runner's Docker CLI ${builder.client} lacks`
    );
  }
  const args = builder.kind === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
  if (builder.kind !== 'classic') args.push('--progress=plain');
  args.push('--iidfile', iidFile, '--file', req.file);
  for (const tag of req.tags) args.push('--tag', tag);
  for (const label of req.labels) args.push('--label', label);
  for (const [key, value] of Object.entries(req.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (req.target) args.push('--target', req.target);
  if (req.platforms.length > 0) args.push('--platform', req.platforms.join(','));
  if (req.noCache) args.push('--no-cache');
  args.push(req.context);
  const env: Record<string, string> =
    builder.kind === 'buildx' ? {} : { DOCKER_BUILDKIT: builder.kind === 'buildkit' ? '1' : '0' };
  return { args, env };
}
