/**
 * The data that flows between the stages: what each one returns and the next ones (and the
 * report) read. Types only; every stage imports its result from here, so no stage needs another.
 */
import type { Counts, Severity } from './severity.js';

export type TagKind = 'schedule' | 'semver' | 'edge' | 'branch' | 'tag' | 'pr' | 'raw' | 'sha' | 'latest';

/** plan: what to build and how to name it. */
export interface Plan {
  version: string;
  images: string[];
  /** Tag names without the image, e.g. `1.2.3`, `latest`. */
  tagNames: string[];
  /** Full references: every tag name on every image. */
  tags: string[];
  labels: string[];
  warnings: string[];
  kinds: Record<string, TagKind>;
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
}

/** build: the one local image every tag points at. */
export interface BuildResult {
  imageId: string;
  sizeBytes?: number;
  builder: Builder;
  durationMs: number;
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
  /** At or above `fail-on`: this finding fails the scan gate. */
  blocking: boolean;
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
}

/** scan: what the user asked to see (`severity`, `ignore-unfixed`) and the scan gate's verdict. */
export interface ScanResult {
  report: ScanReport;
  failed: boolean;
  detail: string;
  jsonPath: string;
  sarifPath: string;
  trivyVersion: string;
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
  name: 'lint' | 'scan' | 'smoke test';
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
  /** Dockerfile path relative to the repository, for annotations and links. */
  dockerfile: string;
  runUrl: string;
  /** A tool error that stopped the run (the gates could not all be decided). */
  error?: string;
}
