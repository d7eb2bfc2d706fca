import { existsSync } from 'node:fs';
import path from 'node:path';
import { isAnnotationLevel } from './annotation-levels.js';
import { splitCsv } from './csv.js';
import {
  actionInput,
  bool,
  insideWorkspace,
  keyValues,
  lines,
  list,
  oneOf,
  parseDuration,
  type InputReader
} from './input-readers.js';
import { canRequestIdToken } from './event.js';
import type { CacheSpec, ProvenanceMode, SbomFormat } from './results.js';
import { SEVERITIES, toSeverity, type Severity, type Threshold } from './severity.js';
import { parseSizeLimit, type SizeLimit } from './size-limit.js';

/** The Trivy release Shipshape installs unless `trivy-version` says otherwise. */
export const DEFAULT_TRIVY_VERSION = '0.74.0';
export const DEFAULT_DB_REPOSITORIES = [
  'mirror.gcr.io/aquasec/trivy-db:2',
  'ghcr.io/aquasecurity/trivy-db:2'
];
export const DEFAULT_JAVA_DB_REPOSITORIES = [
  'mirror.gcr.io/aquasec/trivy-java-db:1',
  'ghcr.io/aquasecurity/trivy-java-db:1'
];

/** Every input of action.yml, read and validated once. */
export interface Inputs {
  workspace: string;
  context: string;
  file: string;
  images: string[];
  tags: string[];
  flavor: string[];
  /** `auto` yields to the flavor's `latest=`. */
  latest: 'auto' | 'true' | 'false';
  version: string;
  buildArgs: Record<string, string>;
  target: string;
  platforms: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS, as metadata-action reads it. */
  annotationLevels: string[];
  /** DOCKER_METADATA_SHORT_SHA_LENGTH, as metadata-action reads it. */
  shortShaLength: number;
  noCache: boolean;
  cache: boolean;
  cacheFrom: CacheSpec[];
  cacheTo: CacheSpec[];
  provenance: ProvenanceMode;
  push: 'auto' | 'true' | 'false';
  registry: string;
  username: string;
  password: string;
  overwriteReleaseTags: boolean;
  scan: boolean;
  trivyVersion: string;
  trivyDbRepositories: string[];
  trivyJavaDbRepositories: string[];
  trivyPath: string;
  maxDbAgeMs: number;
  scanError: 'fail' | 'warn';
  scanTimeoutMs: number;
  severity: Severity[];
  failOn: Threshold;
  ignoreUnfixed: boolean;
  trivyignore: string;
  smokeTest: boolean;
  healthTimeoutMs: number;
  healthCmd: string;
  smokePort: number | undefined;
  smokePath: string;
  smokeEnv: Record<string, string>;
  lint: boolean;
  lintFailOn: 'error' | 'warning' | 'none';
  lintIgnore: string[];
  githubToken: string;
  comment: boolean;
  dryRun: boolean;
  /** `auto`: an SBOM when the run pushes. */
  sbom: 'auto' | 'true' | 'false';
  sbomFormat: SbomFormat[];
  sign: 'auto' | 'keyless' | 'key' | 'false';
  /** A cosign private key (PEM), masked. */
  cosignKey: string;
  cosignPassword: string;
  cosignPath: string;
  /** Record signatures in Sigstore's public transparency log (Rekor). */
  transparencyLog: boolean;
  /** `auto`, `none` or an image reference: what the image is compared with. */
  baseline: string;
  /** How much the image may grow against the baseline (`max-size-increase`). */
  maxSizeIncrease?: SizeLimit;
  /** Lowest severity of a finding new against the baseline that fails the gate. */
  failOnNew: Threshold;
  /** `ship` (the pipeline) or `report` (post a saved report: fork pull requests). */
  mode: 'ship' | 'report';
  /** The saved report that `mode: report` posts. */
  reportFile: string;
}

function severities(read: InputReader): Severity[] {
  const values = list(read('severity') || SEVERITIES.join(','));
  return values.map(v => {
    const match = toSeverity(v);
    if (!match) throw new Error(`input "severity": unknown severity "${v}" (use ${SEVERITIES.join(', ')})`);
    return match;
  });
}

const CACHE_TYPES: CacheSpec['type'][] = ['registry', 'local', 'inline', 'gha', 's3', 'azblob'];

/** One cache entry as docker/build-push-action reads it: `user/app:cache` or `type=…,key=value,…`. */
export function parseCacheSpec(line: string, input: 'cache-from' | 'cache-to'): CacheSpec {
  const fail = (why: string): Error => new Error(`input "${input}": "${line}" ${why}`);
  if (!line.includes('=')) return { type: 'registry', attrs: { ref: line } };
  const attrs: Record<string, string> = {};
  for (const field of splitCsv(line)) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw fail(`has a field "${field}" that is not key=value`);
    attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  const type = (attrs.type ?? (attrs.ref ? 'registry' : '')) as CacheSpec['type'];
  delete attrs.type;
  if (!CACHE_TYPES.includes(type)) throw fail(`needs type= one of ${CACHE_TYPES.join(', ')}`);
  if (type === 'registry' && !attrs.ref) throw fail('needs ref= (the cache image)');
  const dir = input === 'cache-from' ? 'src' : 'dest';
  if (type === 'local' && !attrs[dir]) throw fail(`needs ${dir}= (a directory)`);
  if (attrs.mode !== undefined && !['min', 'max'].includes(attrs.mode))
    throw fail('has mode= other than min or max');
  return { type, attrs };
}

function provenance(read: InputReader): ProvenanceMode {
  const value = read('provenance').trim().toLowerCase();
  const modes: Record<string, ProvenanceMode> = {
    '': 'auto',
    false: 'false',
    true: 'min',
    'mode=min': 'min',
    'mode=max': 'max'
  };
  const mode = modes[value];
  if (!mode) throw new Error(`input "provenance" must be false, true, mode=min or mode=max; got "${value}"`);
  return mode;
}

function port(read: InputReader): number | undefined {
  const value = read('smoke-port').trim();
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`input "smoke-port" must be a port number 1-65535; got "${value}"`);
  }
  return n;
}

const SBOM_FORMATS: SbomFormat[] = ['cyclonedx', 'spdx'];

function sbomFormats(read: InputReader): SbomFormat[] {
  const values = list(read('sbom-format') || SBOM_FORMATS.join(','));
  for (const v of values) {
    if (!SBOM_FORMATS.includes(v as SbomFormat)) {
      throw new Error(`input "sbom-format": unknown format "${v}" (use ${SBOM_FORMATS.join(', ')})`);
    }
  }
  return [...new Set(values)] as SbomFormat[];
}

/** Where annotations go: `manifest` unless DOCKER_METADATA_ANNOTATIONS_LEVELS says otherwise. */
function annotationLevels(value = ''): string[] {
  const levels = list(value || 'manifest');
  const bad = levels.find(level => !isAnnotationLevel(level));
  if (bad) {
    throw new Error(
      `DOCKER_METADATA_ANNOTATIONS_LEVELS: unknown level "${bad}" (manifest, index, manifest-descriptor, index-descriptor, optionally with [os/arch])`
    );
  }
  return levels;
}

const SHORT_SHA = 7;

/** The length of `{{sha}}` and type=sha's short form; a length beyond the SHA's gives all of it. */
function shortShaLength(value = ''): number {
  if (!value.trim()) return SHORT_SHA;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`DOCKER_METADATA_SHORT_SHA_LENGTH must be a positive whole number; got "${value}"`);
  }
  return n;
}

/** What `sign: key` and `sign: keyless` need, checked before anything is built or pushed. */
function checkSigning(inputs: Inputs, env: NodeJS.ProcessEnv): void {
  if (inputs.sign === 'key' && !inputs.cosignKey) {
    throw new Error('input "sign": key needs "cosign-key" (a cosign private key, from a secret)');
  }
  if (inputs.sign !== 'keyless') return;
  if (!canRequestIdToken(env)) {
    throw new Error(
      'input "sign": keyless needs an OIDC token: give the job `permissions: id-token: write` (fork pull requests never get one)'
    );
  }
  if (!inputs.transparencyLog) {
    throw new Error(
      'input "sign": keyless needs transparency-log: its certificates are only checkable through it'
    );
  }
}

/** The password of a URL's `user:password@` part (`postgres://app:pw@db/app`), if the value is such a URL. */
function urlPassword(value: string): string[] {
  try {
    const { password } = new URL(value);
    return password ? [decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

/**
 * Every input value that is a secret; a key's lines one by one (the runner masks line by line),
 * and the password inside a smoke-env URL on its own, as the app may print it alone.
 */
export function secretsOf(inputs: Inputs): string[] {
  const smokeValues = Object.values(inputs.smokeEnv);
  return [
    inputs.password,
    inputs.githubToken,
    inputs.cosignPassword,
    inputs.cosignKey,
    ...inputs.cosignKey.split('\n'),
    ...smokeValues,
    ...smokeValues.flatMap(urlPassword)
  ];
}

export function getInputs(read: InputReader = actionInput, env = process.env): Inputs {
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const context = insideWorkspace(workspace, read('context') || '.', 'context');
  const file = insideWorkspace(workspace, read('file') || path.join(context, 'Dockerfile'), 'file');
  const smokePath = read('smoke-path') || '/';
  if (!smokePath.startsWith('/')) throw new Error(`input "smoke-path" must start with /; got "${smokePath}"`);
  const trivyignore = read('trivyignore');
  if (Boolean(read('username').trim()) !== Boolean(read('password'))) {
    throw new Error('inputs "username" and "password" go together: set both or neither');
  }
  const inputs: Inputs = {
    workspace,
    context,
    file,
    images: lines(read('images')),
    tags: lines(read('tags')),
    flavor: lines(read('flavor')),
    latest: oneOf(read, 'latest', ['auto', 'true', 'false'], 'auto'),
    version: read('version').trim(),
    buildArgs: keyValues(read, 'build-args'),
    target: read('target').trim(),
    platforms: list(read('platforms')),
    labels: keyValues(read, 'labels'),
    annotations: keyValues(read, 'annotations'),
    annotationLevels: annotationLevels(env.DOCKER_METADATA_ANNOTATIONS_LEVELS),
    shortShaLength: shortShaLength(env.DOCKER_METADATA_SHORT_SHA_LENGTH),
    noCache: bool(read, 'no-cache', false),
    cache: bool(read, 'cache', true),
    cacheFrom: lines(read('cache-from')).map(l => parseCacheSpec(l, 'cache-from')),
    cacheTo: lines(read('cache-to')).map(l => parseCacheSpec(l, 'cache-to')),
    provenance: provenance(read),
    push: oneOf(read, 'push', ['auto', 'true', 'false'], 'auto'),
    registry: read('registry').trim(),
    username: read('username').trim(),
    password: read('password'),
    overwriteReleaseTags: bool(read, 'overwrite-release-tags', false),
    scan: bool(read, 'scan', true),
    trivyVersion: (read('trivy-version') || DEFAULT_TRIVY_VERSION).trim().replace(/^v/, ''),
    trivyDbRepositories: list(read('trivy-db-repository') || DEFAULT_DB_REPOSITORIES.join(',')),
    trivyJavaDbRepositories: list(read('trivy-java-db-repository') || DEFAULT_JAVA_DB_REPOSITORIES.join(',')),
    trivyPath: read('trivy-path').trim(),
    maxDbAgeMs: parseDuration(read('max-db-age') || '72h', 'max-db-age'),
    scanError: oneOf(read, 'scan-error', ['fail', 'warn'], 'fail'),
    scanTimeoutMs: parseDuration(read('scan-timeout') || '10m', 'scan-timeout'),
    severity: severities(read),
    failOn: oneOf(read, 'fail-on', ['none', ...SEVERITIES], 'CRITICAL'),
    ignoreUnfixed: bool(read, 'ignore-unfixed', false),
    trivyignore: trivyignore
      ? insideWorkspace(workspace, trivyignore, 'trivyignore')
      : existsSync(path.join(workspace, '.trivyignore'))
        ? path.join(workspace, '.trivyignore')
        : '',
    smokeTest: bool(read, 'smoke-test', true),
    healthTimeoutMs: parseDuration(read('health-timeout') || '60s', 'health-timeout'),
    healthCmd: read('health-cmd').trim(),
    smokePort: port(read),
    smokePath,
    smokeEnv: keyValues(read, 'smoke-env'),
    lint: bool(read, 'lint', true),
    lintFailOn: oneOf(read, 'lint-fail-on', ['error', 'warning', 'none'], 'error'),
    lintIgnore: list(read('lint-ignore')),
    githubToken: read('github-token'),
    comment: bool(read, 'comment', true),
    dryRun: bool(read, 'dry-run', false),
    sbom: oneOf(read, 'sbom', ['auto', 'true', 'false'], 'auto'),
    sbomFormat: sbomFormats(read),
    sign: oneOf(read, 'sign', ['auto', 'keyless', 'key', 'false'], 'auto'),
    cosignKey: read('cosign-key').trim(),
    cosignPassword: read('cosign-password'),
    cosignPath: read('cosign-path').trim(),
    transparencyLog: bool(read, 'transparency-log', true),
    baseline: read('baseline').trim() || 'auto',
    failOnNew: oneOf(read, 'fail-on-new', ['none', ...SEVERITIES], 'none'),
    maxSizeIncrease: parseSizeLimit(read('max-size-increase')),
    mode: oneOf(read, 'mode', ['ship', 'report'], 'ship'),
    reportFile: read('report-file').trim()
  };
  checkSigning(inputs, env);
  if (inputs.maxSizeIncrease && !inputs.scan) {
    // The sizes compared are the ones the scans read, of this image and of the baseline.
    throw new Error('input "max-size-increase" needs scan: true (the scans read both images\' sizes)');
  }
  return inputs;
}
