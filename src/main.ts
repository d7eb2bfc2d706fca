import * as core from '@actions/core';
import { buildImage } from './build.js';
import { detectBuilder } from './docker.js';
import { readEvent } from './event.js';
import { decideGates } from './gate.js';
import { getInputs, type Inputs } from './inputs.js';
import { lintStage } from './lint.js';
import { makePlan, type Plan } from './plan/index.js';
import { renderSummary, type RunReport } from './report.js';
import { logSmoke, smokeTest, type SmokeResult } from './smoke.js';
import { newRunLabel } from './state.js';

function setPlanOutputs(plan: Plan): void {
  core.setOutput('version', plan.version);
  core.setOutput('tags', plan.tags.join('\n'));
  core.setOutput('labels', plan.labels.join('\n'));
  core.setOutput('image', plan.tags[0] ?? '');
}

async function writeSummary(report: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(renderSummary(report)).write();
}

async function smokeStage(inputs: Inputs, imageId: string): Promise<SmokeResult> {
  if (!inputs.smokeTest) {
    return { health: 'skipped', passed: true, mode: 'skipped', message: 'smoke-test: false' };
  }
  const result = await smokeTest({
    image: imageId,
    label: newRunLabel(),
    options: {
      healthCmd: inputs.healthCmd,
      smokePort: inputs.smokePort,
      smokePath: inputs.smokePath,
      smokeEnv: inputs.smokeEnv,
      timeoutMs: inputs.healthTimeoutMs
    }
  });
  logSmoke(result);
  return result;
}

/** The main step: plan → lint → build → smoke test → gate. One failure path: setFailed. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const plan = makePlan(inputs, readEvent(), new Date());
    for (const warning of plan.warnings) core.warning(warning);
    setPlanOutputs(plan);
    const report: RunReport = { plan, dryRun: inputs.dryRun };
    if (inputs.lint) {
      report.lint = await lintStage(inputs.file, inputs.context, {
        ignore: inputs.lintIgnore,
        target: inputs.target,
        failOn: inputs.lintFailOn
      });
    }
    if (inputs.dryRun) {
      core.info(`Dry run: ${plan.tags.length} tags planned, nothing built`);
      await writeSummary(report);
      return;
    }
    if (plan.tags.length === 0) throw new Error(plan.warnings.join('; '));
    const builder = await detectBuilder();
    report.build = await buildImage(
      {
        context: inputs.context,
        file: inputs.file,
        tags: plan.tags,
        labels: plan.labels,
        buildArgs: inputs.buildArgs,
        target: inputs.target,
        platforms: inputs.platforms,
        noCache: inputs.noCache
      },
      builder
    );
    core.setOutput('image-id', report.build.imageId);
    report.smoke = await smokeStage(inputs, report.build.imageId);
    core.setOutput('health', report.smoke.health);
    report.gates = decideGates(report.lint, undefined, report.smoke, inputs.lintFailOn);
    core.setOutput('pushed', 'false');
    await writeSummary(report);
    const failed = report.gates.gates.filter(g => g.status === 'failed');
    if (failed.length > 0) {
      throw new Error(`gate failed, nothing pushed: ${failed.map(g => `${g.name}: ${g.detail}`).join('; ')}`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
