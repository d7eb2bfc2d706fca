import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildImage } from './build.js';
import { detectBuilder } from './docker.js';
import { readEvent, type GitHubEvent } from './event.js';
import { decideGates } from './gate.js';
import { getInputs, type Inputs } from './inputs.js';
import { makePlan, type Plan } from './plan/index.js';
import { pushPolicy, type PushResult } from './push.js';
import { parseImageName } from './registry.js';
import type { RunReport } from './report.js';
import type { ScanResult } from './scan/index.js';
import { logSmoke, smokeTest, type SmokeResult } from './smoke.js';
import { newRunLabel } from './state.js';

function setPlanOutputs(plan: Plan): void {
  core.setOutput('version', plan.version);
  core.setOutput('tags', plan.tags.join('\n'));
  core.setOutput('labels', plan.labels.join('\n'));
  core.setOutput('image', plan.tags[0] ?? '');
}

async function smokeStage(inputs: Inputs, imageId: string, label: string): Promise<SmokeResult> {
  if (!inputs.smokeTest)
    return { health: 'skipped', passed: true, mode: 'skipped', message: 'smoke-test: false' };
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
  // Loaded on demand: Trivy install, the DB cache client and the GitHub client are most of
  // the bundle, and a run that does not need them should not pay to parse them.
  const { scanStage } = await import('./scan/index.js');
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

/** Scan and smoke test run side by side; both always finish (the smoke test cleans up). */
async function scanAndSmoke(inputs: Inputs, plan: Plan, imageId: string, label: string, outputDir: string) {
  const [scan, smoke] = await Promise.allSettled([
    runScan(inputs, plan.tags[0], outputDir),
    smokeStage(inputs, imageId, label)
  ]);
  if (scan.status === 'rejected') throw scan.reason;
  if (smoke.status === 'rejected') throw smoke.reason;
  return { scan: scan.value, smoke: smoke.value };
}

async function pushStage(
  inputs: Inputs,
  plan: Plan,
  imageId: string,
  report: RunReport
): Promise<PushResult | undefined> {
  const policy = report.pushPolicy;
  if (!policy?.push) {
    core.info(`Not pushing: ${policy?.reason ?? 'no policy'}`);
    return undefined;
  }
  const { login, pushImages } = await import('./push.js');
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
      policy,
      overwriteReleaseTags: inputs.overwriteReleaseTags,
      dockerConfig,
      login: credentials
    })
  );
}

/** Build → scan ∥ smoke test → gate → push, recording everything in the report. */
async function ship(
  inputs: Inputs,
  plan: Plan,
  report: RunReport,
  label: string,
  outputDir: string
): Promise<void> {
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
  const { scan, smoke } = await scanAndSmoke(inputs, plan, report.build.imageId, label, outputDir);
  report.scan = scan;
  report.smoke = smoke;
  report.gates = decideGates(report.lint, report.scan, report.smoke, inputs.lintFailOn);
  if (report.gates.passed) report.push = await pushStage(inputs, plan, report.build.imageId, report);
}

function setResultOutputs(report: RunReport): void {
  core.setOutput('scan-result', report.scan ? (report.scan.failed ? 'failed' : 'passed') : 'skipped');
  core.setOutput('vulnerabilities', JSON.stringify(report.scan?.report.counts ?? {}));
  core.setOutput('sarif', report.scan?.sarifPath ?? '');
  core.setOutput('health', report.smoke?.health ?? 'skipped');
  core.setOutput('pushed', String(report.push?.pushed ?? false));
  core.setOutput('digest', Object.values(report.push?.digests ?? {})[0] ?? '');
  // After a push, `tags` says what went out; withheld tags are not in it.
  if (report.push?.pushed) core.setOutput('tags', report.push.tags.join('\n'));
}

/** Matrix jobs share GITHUB_JOB: what they build tells their comments apart. */
function commentKey(inputs: Inputs): string {
  const what = [inputs.context, inputs.file, inputs.target, inputs.platforms.join(',')].join('|');
  return `${process.env.GITHUB_JOB ?? 'job'}-${createHash('sha256').update(what).digest('hex').slice(0, 8)}`;
}

function runUrl(event: GitHubEvent): string {
  return event.runId
    ? `${event.serverUrl}/${event.repository}/actions/runs/${event.runId}`
    : `${event.serverUrl}/${event.repository}/actions`;
}

/** The main step. One failure path: setFailed, after the report has been published. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const event = readEvent();
    const plan = makePlan(inputs, event, new Date());
    for (const warning of plan.warnings) core.warning(warning);
    setPlanOutputs(plan);
    const label = newRunLabel();
    const outputDir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), `shipshape-${label}`);
    await mkdir(outputDir, { recursive: true });
    const report: RunReport = {
      plan,
      dryRun: inputs.dryRun,
      dockerfile: path.relative(inputs.workspace, inputs.file),
      runUrl: runUrl(event),
      pushPolicy: pushPolicy(inputs.push, event, inputs.dryRun)
    };
    if (inputs.lint) {
      const { lintStage } = await import('./lint.js');
      report.lint = await lintStage(inputs.file, inputs.context, {
        ignore: inputs.lintIgnore,
        target: inputs.target,
        failOn: inputs.lintFailOn
      });
    }
    if (!inputs.dryRun) {
      try {
        await ship(inputs, plan, report, label, outputDir);
      } catch (error) {
        report.error = error instanceof Error ? error.message : String(error);
      }
      setResultOutputs(report);
    }
    try {
      const { publish } = await import('./publish.js');
      const published = await publish(report, event, {
        token: inputs.githubToken,
        comment: inputs.comment,
        failOn: inputs.failOn,
        commentKey: commentKey(inputs),
        outputDir
      });
      core.setOutput('report', published.reportPath);
      core.setOutput('comment-url', published.commentUrl ?? '');
    } catch (error) {
      core.warning(`Reporting to GitHub failed: ${(error as Error).message}`);
    }
    if (report.error) throw new Error(report.error);
    const failed = report.gates?.gates.filter(g => g.status === 'failed') ?? [];
    if (failed.length > 0) {
      throw new Error(`gate failed, nothing pushed: ${failed.map(g => `${g.name}: ${g.detail}`).join('; ')}`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
