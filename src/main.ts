import * as core from '@actions/core';
import { buildImage } from './build.js';
import { detectBuilder } from './docker.js';
import { readEvent } from './event.js';
import { getInputs } from './inputs.js';
import { makePlan, type Plan } from './plan/index.js';
import { renderSummary, type RunReport } from './report.js';

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

/** The main step: plan, then (unless dry-run) build. One failure path: setFailed. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const plan = makePlan(inputs, readEvent(), new Date());
    for (const warning of plan.warnings) core.warning(warning);
    setPlanOutputs(plan);
    const report: RunReport = { plan, dryRun: inputs.dryRun };
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
    core.setOutput('pushed', 'false');
    await writeSummary(report);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
