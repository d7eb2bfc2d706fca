import { detectBuilder } from './builder/detect.js';
import { ociArch } from './common/oci-layout.js';
import type { Inputs } from './action/inputs/inputs.js';
import type { RunContext } from './action/state.js';
import type { Builder, BuildResult, CheckWarning } from './builder/contract.js';
import type { LintResult } from './lint/contract.js';
import type { BaselineLookup } from './insight/contract.js';
import type { Plan, PushPolicy } from './plan/contract.js';
import type { PushResult } from './push/contract.js';
import type { SbomResult } from './supply-chain/contract.js';
import type { BaselineScan } from './scan/contract.js';
import type { PreparedScan } from './scan/index.js';
import type { StageResults } from './results.js';
import type { Timeline } from './timeline.js';

/**
 * The work that runs beside another stage: what needs no image starts while the image builds
 * (the scanner's install and DB, the baseline's manifests, cosign), and scan → insight → SBOM
 * runs while the smoke test does.
 */

export type Run = {
  inputs: Inputs;
  plan: Plan;
  policy: PushPolicy;
  context: RunContext;
  timeline: Timeline;
  /** The builder docker answered with, asked for as soon as the inputs stood. */
  builder?: Promise<Builder>;
};

/**
 * Asks docker which builder it has as soon as the inputs are read, while the plan is made (its
 * API look-ups too) and the run's files, the login and the build's code are made ready. Its calls
 * only read (a tag rule the plan then refuses builds nothing); a dry run, a merge job and a report
 * job make none.
 */
export function detectingBuilder(inputs: Inputs): Promise<Builder> | undefined {
  if (inputs.dryRun || inputs.mode === 'merge' || inputs.mode === 'report') return undefined;
  const detecting = detectBuilder(inputs.builder);
  // The build awaits it; a run that stops before the build must not die of an unhandled rejection.
  detecting.catch(() => undefined);
  return detecting;
}

export interface Preparation {
  scan?: Promise<PreparedScan>;
  baseline?: Promise<BaselineLookup>;
  /** The baseline's scan, once the scanner is ready and the baseline found. */
  baselineScan?: Promise<BaselineScan | undefined>;
  cosign?: Promise<{ path: string; version: string } | undefined>;
  /** After a failed build: waits for what was started and removes what it left (files, processes). */
  discard: () => Promise<void>;
}

/** The platform the baseline is compared on: the first one asked for, else the runner's. */
const comparedPlatform = (inputs: Inputs): string => inputs.platforms[0] ?? `linux/${ociArch(process.arch)}`;

/** Starts, before the build, every step that does not need the image; a failure waits for its stage. */
export function startPreparing({ inputs, plan, policy, context, timeline }: Run): Preparation {
  const scan = inputs.scan
    ? timeline.time('scanner ready', async () =>
        (await import('./scan/index.js')).prepareScan(inputs, context.outputDir)
      )
    : undefined;
  const reference = plan.baseline;
  const baseline =
    inputs.scan && reference
      ? timeline.time('baseline found', async () =>
          (await import('./insight/index.js')).lookUpBaseline(reference, comparedPlatform(inputs))
        )
      : undefined;
  // Stops the baseline's scan when the build fails: it may take as long as a scan of the image.
  const stop = new AbortController();
  const baselineScan =
    scan && baseline && scanningBaseline(inputs, timeline, scan, baseline, context.outputDir, stop.signal);
  const cosign = policy.push
    ? timeline.time('cosign ready', async () =>
        (await import('./supply-chain/index.js')).prepareSigning(inputs).catch(() => undefined)
      )
    : undefined;
  // The code the run's end needs (~110 ms to load) loads while the image builds, not after the gates.
  void Promise.allSettled([import('./report/index.js'), ...(policy.push ? [import('./push/index.js')] : [])]);
  const discard = async () => {
    stop.abort();
    await Promise.allSettled([baseline, baselineScan, cosign]);
    const prepared = await scan;
    if (prepared && 'scanner' in prepared) await prepared.scanner.finish();
  };
  return { scan, baseline, baselineScan, cosign, discard };
}

/** The baseline's scan, which needs no built image: it starts once the scanner is ready and the baseline found. */
async function scanningBaseline(
  inputs: Inputs,
  timeline: Timeline,
  scan: Promise<PreparedScan>,
  baseline: Promise<BaselineLookup>,
  outputDir: string,
  signal: AbortSignal
): Promise<BaselineScan | undefined> {
  // A lookup that failed is the insight stage's to report; here it only means nothing to scan.
  const [ready, lookup] = await Promise.all([scan, baseline.catch(() => undefined)]);
  const reference = lookup?.scan;
  if ('error' in ready || !reference || signal.aborted) return undefined;
  const { scanBaseline } = await import('./scan/index.js');
  const compared = { platform: comparedPlatform(inputs), outputDir, signal };
  return timeline.time('baseline scanned', () => scanBaseline(ready.scanner, inputs, reference, compared));
}

/** Takes what the build reports of BuildKit's checks once its call ends, or undefined for nothing. */
export type BuildChecked = (warnings: Promise<CheckWarning[] | undefined> | undefined) => void;

/** The lint, running, and what hands it the build's report of BuildKit's checks. */
export interface LintBeside {
  linting?: Promise<LintResult>;
  checked: BuildChecked;
}

/**
 * The lint, which needs no image: it starts before the build and is awaited at the gates. Where
 * the build reports BuildKit's checks it takes them from the build, through `checked`, which
 * buildBeside calls however the build ends.
 */
export function lintBeside(run: Run): LintBeside {
  let checked: BuildChecked = () => undefined;
  const reported = new Promise<CheckWarning[] | undefined>(resolve => (checked = resolve));
  if (!run.inputs.lint) return { checked };
  const linting = run.timeline.time('lint', async () =>
    (await import('./lint/index.js')).lintStage(run.inputs, run.builder, reported)
  );
  // Awaited only at the gates, or once a build failed: never an unhandled rejection before.
  linting.catch(() => undefined);
  return { linting, checked };
}

/**
 * The build, after the login (its cache import uses it), with the preparation started beside it
 * once the builder passed its preflight, and the lint running. The build returns once its image
 * is in the store: the cache export BuildKit still writes runs beside the gates, and
 * `cacheWritten` says how it ended (the cache upload waits for it). A failed build discards what
 * was prepared and puts the lint's result into `done`; the lint's own error wins, as it came first.
 */
export async function buildBeside(
  run: Run,
  lint: LintBeside,
  done: StageResults
): Promise<{ build: BuildResult; prepared: Preparation; cacheWritten?: Promise<boolean> }> {
  let prepared: Preparation | undefined;
  let cacheWritten: Promise<boolean> | undefined;
  const hooks = {
    starting: () => void (prepared = startPreparing(run)),
    detected: run.builder,
    finishing: (written: Promise<boolean>) => {
      cacheWritten = written;
      run.timeline.later('build cache written', async () => void (await written));
    },
    checked: lint.checked
  };
  try {
    const { inputs, plan, policy, context } = run;
    if (plan.tags.length === 0) throw new Error(plan.warnings.join('; '));
    await logIn(run);
    const { buildImage } = await import('./builder/index.js');
    const build = await run.timeline.time('build', () =>
      buildImage(inputs, plan, policy.push, context.outputDir, hooks)
    );
    return { build, prepared: prepared ?? startPreparing(run), cacheWritten };
  } catch (error) {
    await prepared?.discard();
    // A failed build reports no checks: the lint asks BuildKit for them itself.
    lint.checked(undefined);
    done.lint = await lint.linting;
    throw error;
  } finally {
    // A build that ran without buildx reports none either (a no-op once the build handed its report).
    lint.checked(undefined);
  }
}

/** Signs the pushed digest with the cosign installed while the image built. */
export async function signBeside(
  run: Run,
  push: PushResult,
  sbom: SbomResult | undefined,
  prepared: Preparation
) {
  const { signStage } = await import('./supply-chain/index.js');
  return run.timeline.time('sign', () => signStage(run.inputs, push, sbom, process.env, prepared.cosign));
}

/** scan (with the baseline beside it) → insight → SBOM: what the image holds and what this change did. */
export async function scanWithInsight(run: Run, build: BuildResult, prepared: Preparation) {
  const { inputs, plan, policy, context, timeline } = run;
  const { scanStage } = await import('./scan/index.js');
  const { insightStage } = await import('./insight/index.js');
  const supplyChain = await import('./supply-chain/index.js');
  const lookup = await prepared.baseline;
  const listPackages = supplyChain.wantsSbom(inputs, policy.push);
  const options = { listPackages, baseline: prepared.baselineScan, later: timeline.later };
  const scan = await timeline.time('scan', () =>
    scanStage(inputs, build, plan.tags[0], context.outputDir, options, prepared.scan)
  );
  const image = { name: plan.tags[0].slice(0, plan.tags[0].lastIndexOf(':')), id: build.imageId };
  const sbom = listPackages ? await supplyChain.sbomStage(inputs, scan, image, context.outputDir) : undefined;
  return { scan, insight: insightStage(inputs, scan, lookup), sbom };
}

/** The run's registry login, when it has one: every docker call after it (the build's cache import, the push) uses it. */
export async function logIn({ inputs, plan }: Run): Promise<void> {
  if (inputs.username)
    process.env.DOCKER_CONFIG = await (await import('./push/login.js')).logIn(inputs, plan);
}
