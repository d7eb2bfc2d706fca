import * as core from '@actions/core';
import { readEvent, type GitHubEvent } from './action/event.js';
import { runFacts } from './action/facts.js';
import { getInputs, type Inputs } from './action/inputs/inputs.js';
import { secretsOf } from './action/inputs/secrets.js';
import { setPlanOutputs, setReportOutputs, setResultOutputs } from './action/outputs.js';
import { startRun, type RunContext } from './action/state.js';
import { messageOf } from './common/errors.js';
import { addSecret, redact } from './common/untrusted.js';
import { decideGates, failureOf, pushDecision, stageVerdicts } from './gate.js';
import { planStage, pushPolicy } from './plan/index.js';
import { assembleReport, type RunReport, type StageResults } from './results.js';
import {
  buildBeside,
  detectingBuilder,
  lintBeside,
  scanWithInsight,
  signBeside,
  type Run
} from './parallel.js';
import { startTimeline } from './timeline.js';

// Stages load when the run reaches them: a run that never pushes or reports never parses that code.

/** The main step: inputs → plan → lint → build → scan ‖ smoke → insight → gate → push → sign → report. */
export async function run(): Promise<void> {
  try {
    const timeline = startTimeline();
    const inputs = getInputs();
    for (const secret of secretsOf(inputs)) addSecret(secret);
    const builder = detectingBuilder(inputs);
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
    const run: Run = { inputs, plan, policy, context: await startRun(), timeline, builder };
    const report = assembleReport(await stages(run, event), runFacts(run, event));
    if (!inputs.dryRun) setResultOutputs(report);
    await publish(inputs, event, report, run.context);
    const failure = failureOf(report);
    if (failure) throw new Error(failure);
  } catch (error) {
    core.setFailed(redact(messageOf(error)));
  }
}

/** The stages in order; a failure stops the run and is kept, with what came before it, as an outcome. */
async function stages(run: Run, event: GitHubEvent): Promise<StageResults> {
  // mode: merge releases what the platform jobs built and gated: nothing is built here.
  if (run.inputs.mode === 'merge') return (await import('./multi-runner.js')).mergeStages(run, event);
  const { inputs, plan, policy, timeline } = run;
  // What the stages returned so far: all of it goes into the report, the error too.
  const done: StageResults = { timeline: timeline.steps };
  const lint = lintBeside(run);
  try {
    if (inputs.dryRun) return { lint: await lint.linting };
    const { build, prepared, cacheWritten } = await buildBeside(run, lint, done);
    done.build = build;
    const [scanned, smoke] = await Promise.all([
      inputs.scan ? scanWithInsight(run, build, prepared) : undefined,
      timeline.time('smoke test', async () =>
        (await import('./smoke/index.js')).smokeStage(inputs, build, run.context.label)
      )
    ]);
    Object.assign(done, scanned, { smoke, lint: await lint.linting });
    const gates = decideGates(stageVerdicts({ ...done, smoke }));
    done.gates = gates;
    const decision = pushDecision(gates, policy);
    if (decision.push) {
      const { pushStage } = await import('./push/index.js');
      const push = await timeline.time('push', () => pushStage(inputs, plan, build, policy, cacheWritten));
      done.push = push;
      // Signatures go only on a digest that passed the gates and went out whole (a platform's: on its merged index).
      if (push.pushed && push.failed.length === 0 && !push.byDigest)
        done.sign = await signBeside(run, push, done.sbom, prepared);
    } else if (gates.passed) core.info(`Not pushing: ${decision.why}`);
    return done;
  } catch (error) {
    return { lint: await lint.linting?.catch(() => undefined), ...done, error: messageOf(error) };
  } finally {
    await timeline.settled();
  }
}

async function publish(inputs: Inputs, event: GitHubEvent, report: RunReport, context: RunContext) {
  try {
    const { publishReport } = await import('./report/index.js');
    setReportOutputs(await publishReport(report, event, inputs, context.outputDir));
  } catch (error) {
    core.warning(`Reporting to GitHub failed: ${messageOf(error)}`);
  }
}
