import { existsSync } from 'node:fs';
import path from 'node:path';
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
} from './readers.js';
import { buildOptions, buildSecretValues } from './build-options.js';
import { canRequestIdToken } from '../event.js';
import { SCANNERS } from '../../scan/scanners.js';
import { SEVERITIES, type Severity, type Threshold } from '../../common/severity.js';
import {
  annotationLevels,
  builderName,
  oneLine,
  parseCacheSpec,
  port,
  provenance,
  releaseVersion,
  sbomFormats,
  severities,
  shortShaLength,
  smokePath
} from './input-values.js';
import { parseSizeLimit, type SizeLimit } from '../../common/size-limit.js';
import type { BuildOptions, CacheSpec, ProvenanceMode } from '../../builder/contract.js';
import type { SbomFormat } from '../../supply-chain/contract.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The timeouts: at least a second, at most a day (a job's own limit is six hours). */
const TIMER = { minMs: 1000, maxMs: DAY };

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
  /** build-push-action's build inputs: secrets, ssh, build contexts, network, hosts, shm, ulimits, pull. */
  buildOptions: BuildOptions;
  /** The build secrets' values (files' and variables' contents included), to mask. */
  buildSecretValues: string[];
  /** A buildx builder by name, or empty for the current one. */
  builder: string;
  push: 'auto' | 'true' | 'false';
  registry: string;
  username: string;
  password: string;
  overwriteReleaseTags: boolean;
  scan: boolean;
  /** Which scanner (a key of scan/scanners.ts). */
  scanner: string;
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
  /**
   * `ship` (the pipeline), `report` (post a saved report: fork pull requests), `platform` (one
   * platform of a multi-runner build, pushed by digest with no tag) or `merge` (the index of
   * the platforms' results, tagged).
   */
  mode: 'ship' | 'report' | 'platform' | 'merge';
  /** `mode: merge`: a glob of the platform jobs' reports. */
  results: string;
  /** The saved report that `mode: report` posts. */
  reportFile: string;
  /** A fork's passing report: a `neutral` check run, or its own verdict (`verdict`, when the workflow trusts it). */
  forkReportConclusion: 'neutral' | 'verdict';
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

/** What `mode: platform` and `mode: merge` need, checked before anything runs. */
function checkMode(inputs: Inputs): void {
  if (inputs.mode === 'platform' && inputs.platforms.length !== 1) {
    throw new Error(
      'input "mode": platform builds exactly one platform: set "platforms" to it (e.g. linux/arm64)'
    );
  }
  if (inputs.mode === 'merge' && (inputs.platforms.length === 0 || !inputs.results)) {
    throw new Error(
      'input "mode": merge needs "results" (a glob of the platform jobs\' reports) and "platforms" (every platform expected)'
    );
  }
}

export function getInputs(read: InputReader = actionInput, env = process.env): Inputs {
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const context = insideWorkspace(workspace, read('context') || '.', 'context');
  const file = insideWorkspace(workspace, read('file') || path.join(context, 'Dockerfile'), 'file');
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
    buildOptions: buildOptions(read, workspace, env),
    buildSecretValues: [],
    builder: builderName(read('builder').trim()),
    push: oneOf(read, 'push', ['auto', 'true', 'false'], 'auto'),
    registry: read('registry').trim(),
    username: read('username').trim(),
    password: read('password'),
    overwriteReleaseTags: bool(read, 'overwrite-release-tags', false),
    scan: bool(read, 'scan', true),
    scanner: oneOf(read, 'scanner', Object.keys(SCANNERS), 'trivy'),
    trivyVersion: releaseVersion(read('trivy-version') || DEFAULT_TRIVY_VERSION, 'trivy-version'),
    trivyDbRepositories: list(read('trivy-db-repository') || DEFAULT_DB_REPOSITORIES.join(',')),
    trivyJavaDbRepositories: list(read('trivy-java-db-repository') || DEFAULT_JAVA_DB_REPOSITORIES.join(',')),
    trivyPath: read('trivy-path').trim(),
    maxDbAgeMs: parseDuration(read('max-db-age') || '72h', 'max-db-age', { minMs: HOUR, maxMs: 365 * DAY }),
    scanError: oneOf(read, 'scan-error', ['fail', 'warn'], 'fail'),
    scanTimeoutMs: parseDuration(read('scan-timeout') || '10m', 'scan-timeout', TIMER),
    severity: severities(read),
    failOn: oneOf(read, 'fail-on', ['none', ...SEVERITIES], 'CRITICAL'),
    ignoreUnfixed: bool(read, 'ignore-unfixed', false),
    trivyignore: trivyignore
      ? insideWorkspace(workspace, trivyignore, 'trivyignore')
      : existsSync(path.join(workspace, '.trivyignore'))
        ? path.join(workspace, '.trivyignore')
        : '',
    smokeTest: bool(read, 'smoke-test', true),
    healthTimeoutMs: parseDuration(read('health-timeout') || '60s', 'health-timeout', TIMER),
    healthCmd: oneLine(read('health-cmd').trim(), 'health-cmd'),
    smokePort: port(read),
    smokePath: smokePath(read),
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
    mode: oneOf(read, 'mode', ['ship', 'report', 'platform', 'merge'], 'ship'),
    results: read('results').trim(),
    reportFile: read('report-file').trim(),
    forkReportConclusion: oneOf(read, 'fork-report-conclusion', ['neutral', 'verdict'], 'neutral')
  };
  inputs.buildSecretValues = buildSecretValues(inputs.buildOptions, env);
  checkSigning(inputs, env);
  checkMode(inputs);
  if (inputs.maxSizeIncrease && !inputs.scan) {
    // The sizes compared are the ones the scans read, of this image and of the baseline.
    throw new Error('input "max-size-increase" needs scan: true (the scans read both images\' sizes)');
  }
  return inputs;
}
