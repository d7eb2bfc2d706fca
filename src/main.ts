import * as core from '@actions/core';
import path from 'node:path';
import { readEvent, runUrl, type GitHubEvent } from './action/event.js';
import { getInputs, type Inputs } from './action/inputs/inputs.js';
import { secretsOf } from './action/inputs/secrets.js';
import { setPlanOutputs, setReportOutputs, setResultOutputs } from './action/outputs.js';
import { startRun, type RunContext } from './action/state.js';
import { messageOf } from './common/errors.js';
import { addSecret, redact } from './common/untrusted.js';
import type { BuildResult } from './builder/contract.js';
import { decideGates, failureOf, pushDecision, stageVerdicts } from './gate.js';
import type { Plan, PushPolicy } from './plan/contract.js';
import { planStage, pushPolicy } from './plan/index.js';
import { assembleReport, type RunReport, type StageResults } from './results.js';

// Stages load when the run reaches them: a run that never pushes or reports never parses that code.

type Run = { inputs: Inputs; plan: Plan; policy: PushPolicy; context: RunContext };

/** The main step: inputs → plan → lint → build → scan ‖ smoke → insight → gate → push → sign → report. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    for (const secret of secretsOf(inputs)) addSecret(secret);
    const event = readEvent();
    // mode: report posts a fork's saved report; nothing else runs.
    if (inputs.mode === 'report') {
      const { postSavedReport } = await import('./report/fork/saved.js');
      return setReportOutputs(await postSavedReport(inputs, event, (await startRun()).outputDir));
    }
    const plan = await planStage(inputs, event, new Date());
    for (const warning of plan.warnings) core.warning(warning);
    setPlanOutputs(plan);
    const policy = pushPolicy(inputs.push, event, inputs.dryRun);
    const context = await startRun();
    const dockerfile = path.relative(inputs.workspace, inputs.file);
    const facts = { plan, pushPolicy: policy, dryRun: inputs.dryRun, dockerfile, runUrl: runUrl(event) };
    const report = assembleReport(await stages({ inputs, plan, policy, context }), facts);
    if (!inputs.dryRun) setResultOutputs(report);
    await publish(inputs, event, report, context);
    const failure = failureOf(report);
    if (failure) throw new Error(failure);
  } catch (error) {
    core.setFailed(redact(messageOf(error)));
  }
}

/** The stages in order; a failure stops the run and is kept, with what came before it, as an outcome. */
async function stages({ inputs, plan, policy, context }: Run): Promise<StageResults> {
  let lint, build, scanned, smoke, gates, push, sign;
  try {
    lint = inputs.lint ? await (await import('./lint/index.js')).lintStage(inputs) : undefined;
    if (inputs.dryRun) return { lint };
    if (plan.tags.length === 0) throw new Error(plan.warnings.join('; '));
    // Every docker call from here on (the build's cache import, the push) uses this login.
    if (inputs.username)
      process.env.DOCKER_CONFIG = await (await import('./push/login.js')).logIn(inputs, plan);
    const { buildImage } = await import('./builder/index.js');
    build = await buildImage(inputs, plan, policy.push, context.outputDir);
    [scanned, smoke] = await Promise.all([
      inputs.scan ? scanWithInsight({ inputs, plan, policy, context }, build) : undefined,
      (await import('./smoke/index.js')).smokeStage(inputs, build, context.label)
    ]);
    gates = decideGates(stageVerdicts({ lint, scan: scanned?.scan, smoke, insight: scanned?.insight }));
    const decision = pushDecision(gates, policy);
    if (decision.push) {
      push = await (await import('./push/index.js')).pushStage(inputs, plan, build, policy);
      // Signatures go only on a digest that passed the gates and went out whole.
      if (push.pushed && push.failed.length === 0)
        sign = await (await import('./supply-chain/index.js')).signStage(inputs, push, scanned?.sbom);
    } else if (gates.passed) core.info(`Not pushing: ${decision.why}`);
    return { lint, build, ...scanned, smoke, gates, push, sign };
  } catch (error) {
    return { lint, build, ...scanned, smoke, gates, push, sign, error: messageOf(error) };
  }
}

/** scan (with the baseline beside it) → insight → SBOM: what the image holds and what this change did. */
async function scanWithInsight({ inputs, plan, policy, context }: Run, build: BuildResult) {
  const { scanStage } = await import('./scan/index.js');
  const { insightStage, lookUpBaseline } = await import('./insight/index.js');
  const supplyChain = await import('./supply-chain/index.js');
  const lookup = plan.baseline ? await lookUpBaseline(plan.baseline, build.platforms[0] ?? '') : undefined;
  const listPackages = supplyChain.wantsSbom(inputs, policy.push);
  const options = { listPackages, baseline: lookup?.scan };
  const scan = await scanStage(inputs, build, plan.tags[0], context.outputDir, options);
  const image = { name: plan.tags[0].slice(0, plan.tags[0].lastIndexOf(':')), id: build.imageId };
  const sbom = listPackages ? await supplyChain.sbomStage(inputs, scan, image, context.outputDir) : undefined;
  return { scan, insight: insightStage(inputs, scan, lookup), sbom };
}

async function publish(inputs: Inputs, event: GitHubEvent, report: RunReport, context: RunContext) {
  try {
    const { publishReport } = await import('./report/index.js');
    setReportOutputs(await publishReport(report, event, inputs, context.outputDir));
  } catch (error) {
    core.warning(`Reporting to GitHub failed: ${messageOf(error)}`);
  }
}
