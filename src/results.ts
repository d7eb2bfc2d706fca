/**
 * The data that flows between the stages: what each one returns and the next ones (and the
 * report) read. Types only; every stage imports its result from here, so no stage needs another.
 */
import type { Counts, Severity } from './severity.js';

/** One `cache-from`/`cache-to` entry in docker/build-push-action's grammar. */
export interface CacheSpec {
  type: 'registry' | 'local' | 'inline' | 'gha' | 's3' | 'azblob';
  attrs: Record<string, string>;
}

/** `provenance`: attach SLSA provenance (`min`/`max`), never (`false`), or where the builder can (`auto`). */
export type ProvenanceMode = 'auto' | 'false' | 'min' | 'max';

export type TagKind =
  'schedule' | 'semver' | 'pep440' | 'match' | 'edge' | 'branch' | 'tag' | 'pr' | 'raw' | 'sha' | 'latest';

/** A tag a semver rule made: which version, which part of it, with which prefix and suffix. */
export interface SemverTag {
  version: string;
  /** `full` names the release (`1.2.3`); `minor` (`1.2`) and `major` (`1`) float. */
  scope: 'full' | 'minor' | 'major';
  prefix: string;
  suffix: string;
}

/** plan: what to build and how to name it. */
export interface Plan {
  version: string;
  images: string[];
  /** Tag names without the image, e.g. `1.2.3`, `latest`. */
  tagNames: string[];
  /** Full references: every tag name on every image. */
  tags: string[];
  labels: string[];
  /** `level:key=value`, as docker buildx build --annotation and metadata-action's output take them. */
  annotations: string[];
  warnings: string[];
  kinds: Record<string, TagKind>;
  /** The image to compare with (`baseline` input; by default the base branch's or the moved tag's). */
  baseline?: string;
  /** What each tag of kind `semver` names; release safety compares releases by these. */
  semver: Record<string, SemverTag>;
  /**
   * Build cache scopes, tag-safe: the one this run's cache is saved under (its branch or PR),
   * and the ones it reads from, nearest first (its own, the PR's base, the default branch).
   */
  cache: { export?: string; import: string[] };
}

/** plan: whether this run pushes. */
export interface PushPolicy {
  push: boolean;
  /** Why not, or what is limited, for the summary. */
  reason: string;
  /** Only tags of these kinds go out (pull requests: pr-N and sha- tags). */
  kinds?: TagKind[];
}

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  rule: string;
  name: string;
  severity: LintSeverity;
  line: number;
  message: string;
  fix: string;
  /** At or above `lint-fail-on`: this finding fails the lint gate. */
  blocking: boolean;
}

/** lint: the findings and the lint gate's verdict. */
export interface LintResult {
  findings: LintFinding[];
  failed: boolean;
  detail: string;
}

export type BuilderKind = 'buildx' | 'buildkit' | 'classic';

export interface Builder {
  kind: BuilderKind;
  client: string;
  server: string;
  /** buildx's driver for the current builder: `docker`, `docker-container`, `remote`, `kubernetes`. */
  driver?: string;
  buildx?: string;
  /** The daemon's image store: `containerd` holds indexes and attestations, `classic` does not. */
  store: 'classic' | 'containerd';
  /** The platform the runner runs natively, e.g. `linux/amd64`. */
  native: string;
}

/** A registry cache written to a local directory during the build, uploaded once the gates pass. */
export interface CacheUpload {
  dir: string;
  ref: string;
}

/** What the build cache did for this run. */
export interface BuildCache {
  /** Dockerfile steps run or reused (FROM lines excluded), and how many were reused. */
  steps: number;
  cached: number;
  imported: string[];
  missing: { ref: string; reason: string }[];
  /** Where this run's cache goes: inline in the image, or registry caches uploaded after the gates. */
  exports: string[];
  uploads: CacheUpload[];
}

/** build: the one image every tag points at, as it was built. */
export interface BuildResult {
  /** The local image id: the config digest on the classic store, the manifest or index digest on containerd. */
  imageId: string;
  /**
   * The manifest or index digest that will be pushed, known before the push where the store or
   * layout holds one (containerd store, OCI layout); the classic store makes it only when pushing.
   */
  digest?: string;
  platforms: string[];
  /**
   * Each platform's image manifest digest, where the store or layout knows them (not the classic
   * store): the image itself, whatever attestations (with their build times) sit beside it.
   */
  manifests?: string[];
  /** The OCI layout holding the image, when the builder wrote one instead of loading it. */
  layout?: string;
  /** Whether the runner's own platform was built, so the image can run here. */
  runnable: boolean;
  /** Provenance attached to the image, and why none was when it was not. */
  provenance?: 'min' | 'max';
  notes: string[];
  cache?: BuildCache;
  sizeBytes?: number;
  /** The image the built stage starts from. */
  base?: BaseImage;
  builder: Builder;
  durationMs: number;
}

/** The image the built stage starts from, and the digest the build used when known. */
export interface BaseImage {
  /** As the Dockerfile names it, build args substituted. */
  reference: string;
  digest?: string;
  /** The Dockerfile pins it by digest: only a new pin moves it. */
  pinned: boolean;
  /** The FROM line. */
  line: number;
}

/** The Dockerfile instruction whose layer brought a package in. */
export interface LayerSource {
  line: number;
  /** The instruction as written, e.g. `RUN pip install …`, or `FROM python:3.12` for base layers. */
  instruction: string;
  base: boolean;
}

/** One vulnerability in one package, as Shipshape reports and gates on it. */
export interface Finding {
  id: string;
  pkg: string;
  installed: string;
  fixed: string;
  status: string;
  severity: Severity;
  title: string;
  url: string;
  /** Every target (OS packages, a lock file, a jar) where Trivy saw this package. */
  targets: string[];
  /** The layer that added the package (diff ID), when Trivy knows it. */
  layer: string;
  /** The Dockerfile line of that layer, when it could be mapped. */
  source?: LayerSource;
  /** For a multi-platform image: the platforms whose image has it. */
  platforms?: string[];
  /** At or above `fail-on` (or new and at or above `fail-on-new`): this finding fails the scan gate. */
  blocking: boolean;
  /** Against the baseline image: brought in by this change, or there before it. */
  change?: 'new' | 'unchanged';
}

export interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
}

export interface ScanReport {
  findings: Finding[];
  counts: Counts;
  fixable: number;
  /** From the report's image metadata: used to map layers to Dockerfile lines. */
  diffIds: string[];
  history: HistoryEntry[];
  os: string;
  eosl: boolean;
  /** The image's uncompressed size and its layers', when the scanner reports them. */
  uncompressed?: number;
  layerSizes?: { diffId: string; size: number }[];
  /** Each layer's Dockerfile line, by diff ID. */
  layerSources?: Record<string, LayerSource>;
}

/** The vulnerability DB a scan used: downloaded now, cached and current, or cached and older. */
export interface DbState {
  source: 'downloaded' | 'cache' | 'stale-cache';
  /** When the DB was built (its UpdatedAt). */
  updatedAt?: string;
  ageMs?: number;
}

/** The Trivy that ran, where it came from, and what Shipshape verified of it. */
export interface Scanner {
  path: string;
  version: string;
  origin: 'trivy-path' | 'tool-cache' | 'download';
  verified: string[];
}

export type {
  ImageSizes,
  SbomFormat,
  SbomPackage,
  SbomResult,
  ScannedSize,
  SignResult,
  SizeGate
} from './artifacts.js';
import type { ImageSizes, SbomResult, ScannedSize, SignResult, SizeGate } from './artifacts.js';

/** What the image is compared with: the last one pushed for the base branch, or the tag being moved. */
export interface BaselineResult {
  reference: string;
  /** Why there is no comparison (none pushed yet, unreadable, another platform, not scannable). */
  unavailable?: string;
  digest?: string;
  /** Compressed, per platform, from the registry's manifests. */
  sizes?: ImageSizes[];
  /** The platform scanned, uncompressed, as the scan read it. */
  scanned?: ScannedSize;
  /** Findings of the baseline this image no longer has. */
  fixed?: Omit<Finding, 'blocking'>[];
  newCount?: number;
  unchanged?: number;
  /** The baseline's image does not hold this image's base layers: the base image changed. */
  baseChanged?: boolean;
}

/** scan: what the user asked to see (`severity`, `ignore-unfixed`) and the scan gate's verdict. */
export interface ScanResult {
  report: ScanReport;
  failed: boolean;
  detail: string;
  /** The scanner could not run: not "no findings". Fails the gate unless `scan-error: warn`. */
  error?: string;
  jsonPath: string;
  sarifPath: string;
  /** The SBOM from this scan's package list, when asked for. */
  sbom?: SbomResult;
  /** The comparison with the baseline image, when there is a baseline to look for. */
  baseline?: BaselineResult;
  /** Each platform scanned, uncompressed. */
  sizes?: ScannedSize[];
  /** `max-size-increase`, when set. */
  sizeGate?: SizeGate;
  scanner?: Scanner;
  db?: DbState;
  javaDb?: DbState;
  durationMs: number;
}

export type Health = 'healthy' | 'unhealthy' | 'no-healthcheck' | 'skipped';
export type SmokeModeKind = 'healthcheck' | 'health-cmd' | 'http' | 'stability';

/** smoke: whether the image ran healthy, and the evidence when it did not. */
export interface SmokeResult {
  health: Health;
  passed: boolean;
  mode: SmokeModeKind | 'skipped';
  /** Container start to healthy (or to the end of the stability window). */
  timeToHealthyMs?: number;
  /** From the daemon's health event to this decision. */
  decisionLatencyMs?: number;
  message: string;
  /** What the failure looked like: probe outputs, logs, exit code. */
  evidence?: string;
}

export type GateStatus = 'passed' | 'failed' | 'skipped';

export interface GateDecision {
  name: 'lint' | 'scan' | 'smoke test' | 'size';
  status: GateStatus;
  detail: string;
}

/** gate: every gate's verdict, and whether the image may be pushed. */
export interface Gates {
  passed: boolean;
  gates: GateDecision[];
}

export interface WithheldTag {
  tag: string;
  reason: string;
}

/** push: what went to the registries. */
export interface PushResult {
  pushed: boolean;
  /** One manifest digest per image name. */
  digests: Record<string, string>;
  /** Full references pushed. */
  tags: string[];
  unchanged: string[];
  withheld: WithheldTag[];
  /** Tags that did not go out, and why: a push that failed part-way says exactly what did. */
  failed: WithheldTag[];
  /** Registry caches saved for the next run. */
  cacheSaved?: string[];
  /** What the first image name now holds, per platform, as its manifests say. */
  sizes?: ImageSizes[];
  durationMs: number;
}

/** Everything one run decided and found; rendered into the summary, the comment and the JSON report. */
export interface RunReport {
  plan: Plan;
  dryRun: boolean;
  build?: BuildResult;
  lint?: LintResult;
  smoke?: SmokeResult;
  scan?: ScanResult;
  gates?: Gates;
  pushPolicy?: PushPolicy;
  push?: PushResult;
  sign?: SignResult;
  /** Dockerfile path relative to the repository, for annotations and links. */
  dockerfile: string;
  runUrl: string;
  /** A tool error that stopped the run (the gates could not all be decided). */
  error?: string;
}
