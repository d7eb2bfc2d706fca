/**
 * The run's report: what every stage returned, side by side. Each stage's contract lives with
 * the stage (`<stage>/contract.ts`); this module only assembles them.
 */
import type { BuildResult } from './builder/contract.js';
import type { Gates } from './gate.js';
import type { InsightResult } from './insight/contract.js';
import type { LintResult } from './lint/contract.js';
import type { Plan, PushPolicy } from './plan/contract.js';
import type { PushResult } from './push/contract.js';
import type { ScanResult } from './scan/contract.js';
import type { SmokeResult } from './smoke/contract.js';
import type { SbomResult, SignResult } from './supply-chain/contract.js';
import type { StepTime } from './timeline.js';
import { PLATFORM_RESULT_VERSION, type PlatformResult } from './common/platform-result.js';

/** Everything one run decided and found; rendered into the summary, the comment and the JSON report. */
export interface RunReport {
  plan: Plan;
  dryRun: boolean;
  build?: BuildResult;
  lint?: LintResult;
  smoke?: SmokeResult;
  /** The scan, its findings marked against the baseline when there is one. */
  scan?: ScanResult;
  /** What this change does against the baseline, and what the base image means for the findings. */
  insight?: InsightResult;
  /** The SBOM documents written from the scan's packages. */
  sbom?: SbomResult;
  gates?: Gates;
  pushPolicy?: PushPolicy;
  push?: PushResult;
  sign?: SignResult;
  /** Dockerfile path relative to the repository, for annotations and links. */
  dockerfile: string;
  runUrl: string;
  /** A tool error that stopped the run (the gates could not all be decided). */
  error?: string;
  /** When each step started and ended: what ran beside the build and the smoke test. */
  timeline?: StepTime[];
  /** `mode: platform`: what the merge job reads of this run. */
  platformResult?: PlatformResult;
  /** `mode: merge`: each platform's result, checked against the registries. */
  platforms?: PlatformResult[];
}

/** What the stages returned: each present when its stage ran, and the error that stopped the run. */
export type StageResults = Pick<
  RunReport,
  | 'lint'
  | 'build'
  | 'scan'
  | 'insight'
  | 'sbom'
  | 'smoke'
  | 'gates'
  | 'push'
  | 'sign'
  | 'error'
  | 'timeline'
  | 'platforms'
>;

/** Where a `mode: platform` run came from: its platform, repository and commit. */
export interface PlatformSource {
  platform: string;
  repository: string;
  commit: string;
}

/**
 * What the merge job reads of a platform run (pure): passed when every gate passed and, where the
 * push policy pushes, the manifest reached every image name (a fork's run pushes nothing).
 */
export function platformResultOf(
  results: StageResults,
  source: PlatformSource,
  pushes: boolean
): PlatformResult {
  const { push, gates, scan, insight, build } = results;
  const pushed = push?.byDigest;
  const wentOut = pushes ? Boolean(pushed && push.failed.length === 0) : true;
  return {
    version: PLATFORM_RESULT_VERSION,
    ...source,
    passed: Boolean(gates?.passed && !results.error && wentOut),
    images: Object.keys(push?.digests ?? {}),
    manifest: pushed?.manifest,
    attestations: pushed?.attestations ?? [],
    sizeBytes: build?.sizeBytes,
    verdicts: gates?.gates ?? [],
    findings: {
      counts: scan?.report.counts ?? {},
      new: insight?.baseline ? insight.findings.filter(f => f.change === 'new').length : undefined
    }
  };
}

/**
 * The run's report from what the stages returned (pure): the scan's findings as the insight
 * stage marked them against the baseline.
 */
export function assembleReport(
  results: StageResults,
  run: Pick<RunReport, 'plan' | 'pushPolicy' | 'dryRun' | 'dockerfile' | 'runUrl'> & {
    platform?: PlatformSource;
  }
): RunReport {
  const { scan, insight } = results;
  const { platform, ...facts } = run;
  return {
    ...facts,
    ...results,
    ...(platform
      ? { platformResult: platformResultOf(results, platform, Boolean(run.pushPolicy?.push)) }
      : {}),
    scan: scan && insight ? { ...scan, report: { ...scan.report, findings: insight.findings } } : scan
  };
}
