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
import { scanStage, type ScanResult } from './scan/index.js';
import { newRunLabel } from './state.js';
import { login, pushImages, pushPolicy, type PushResult } from './push.js';
import { parseImageName } from './registry.js';
import type { GitHubEvent } from './event.js';
import os from 'node:os';
import path from 'node:path';

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

async function smokeStage(inputs: Inputs, imageId: string, label: string): Promise<SmokeResult> {
  if (!inputs.smokeTest) {
    return { health: 'skipped', passed: true, mode: 'skipped', message: 'smoke-test: false' };
  }
  const result = await smokeTest({
    image: imageId,
    label,
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

async function runScan(inputs: Inputs, image: string, outputDir: string): Promise<ScanResult | undefined> {
  if (!inputs.scan) return undefined;
  const result = await scanStage({
    image,
    dockerfile: inputs.file,
    target: inputs.target,
    trivyVersion: inputs.trivyVersion,
    dbRepositories: inputs.trivyDbRepositories,
    severity: inputs.severity,
    failOn: inputs.failOn,
    ignoreUnfixed: inputs.ignoreUnfixed,
    ignoreFile: inputs.trivyignore || undefined,
    timeoutMs: inputs.scanTimeoutMs,
    outputDir
  });
  core.info(`Scan: ${result.detail}`);
  return result;
}

function setScanOutputs(scan: ScanResult | undefined): void {
  core.setOutput('scan-result', scan ? (scan.failed ? 'failed' : 'passed') : 'skipped');
  core.setOutput('vulnerabilities', JSON.stringify(scan?.report.counts ?? {}));
  core.setOutput('sarif', scan?.sarifPath ?? '');
}

/** Scan and smoke test run side by side; both always finish (the smoke test cleans up). */
async function scanAndSmoke(
  inputs: Inputs,
  plan: Plan,
  imageId: string
): Promise<[ScanResult | undefined, SmokeResult]> {
  const label = newRunLabel();
  const outputDir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), `shipshape-${label}`);
  const [scan, smoke] = await Promise.allSettled([
    runScan(inputs, plan.tags[0], outputDir),
    smokeStage(inputs, imageId, label)
  ]);
  if (scan.status === 'rejected') throw scan.reason;
  if (smoke.status === 'rejected') throw smoke.reason;
  return [scan.value, smoke.value];
}

async function pushStage(
  inputs: Inputs,
  plan: Plan,
  event: GitHubEvent,
  imageId: string,
  report: RunReport
): Promise<PushResult | undefined> {
  report.pushPolicy = pushPolicy(inputs.push, event, inputs.dryRun);
  if (!report.pushPolicy.push) {
    core.info(`Not pushing: ${report.pushPolicy.reason}`);
    return undefined;
  }
  let dockerConfig: string | undefined;
  let credentials: { registry: string; username: string; password: string } | undefined;
  if (inputs.username) {
    const registry = inputs.registry || parseImageName(plan.images[0]).registry;
    dockerConfig = await login(registry, inputs.username, inputs.password);
    credentials = { registry, username: inputs.username, password: inputs.password };
  }
  return core.group('Push', () =>
    pushImages({
      plan,
      imageId,
      policy: report.pushPolicy!,
      overwriteReleaseTags: inputs.overwriteReleaseTags,
      dockerConfig,
      login: credentials
    })
  );
}

function setPushOutputs(plan: Plan, push: PushResult | undefined): void {
  core.setOutput('pushed', String(push?.pushed ?? false));
  core.setOutput('digest', push ? (Object.values(push.digests)[0] ?? '') : '');
  if (push?.pushed) core.setOutput('tags', push.tags.join('\n'));
  else core.setOutput('tags', plan.tags.join('\n'));
}

/** The main step: plan → lint → build → scan ∥ smoke test → gate → push. One failure path: setFailed. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const event = readEvent();
    const plan = makePlan(inputs, event, new Date());
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
    [report.scan, report.smoke] = await scanAndSmoke(inputs, plan, report.build.imageId);
    setScanOutputs(report.scan);
    core.setOutput('health', report.smoke.health);
    report.gates = decideGates(report.lint, report.scan, report.smoke, inputs.lintFailOn);
    const failed = report.gates.gates.filter(g => g.status === 'failed');
    if (failed.length === 0) {
      report.push = await pushStage(inputs, plan, event, report.build.imageId, report);
    }
    setPushOutputs(plan, report.push);
    await writeSummary(report);
    if (failed.length > 0) {
      throw new Error(`gate failed, nothing pushed: ${failed.map(g => `${g.name}: ${g.detail}`).join('; ')}`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
