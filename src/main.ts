import * as core from '@actions/core';
import path from 'node:path';
import { messageOf } from './errors.js';
import { readEvent, runUrl, type GitHubEvent } from './event.js';
import { decideGates, failureOf } from './gate.js';
import { getInputs, secretsOf, type Inputs } from './inputs.js';
import { setPlanOutputs, setReportOutputs, setResultOutputs } from './outputs.js';
import { planStage, pushPolicy } from './plan/index.js';
import type { BuildResult, RunReport } from './results.js';
import { startRun, type RunContext } from './state.js';
import { addSecret, redact } from './untrusted.js';

// Each stage is loaded when the run reaches it: a run that does not push or report should
// not pay to parse the registry, tool-cache and GitHub client code.

/** Scan and smoke test, side by side on the one built image; both always finish. */
async function scanAndSmoke(inputs: Inputs, report: RunReport, run: RunContext, build: BuildResult) {
  const scan = async () => {
    if (!inputs.scan) return undefined;
    const { scanStage } = await import('./scan/index.js');
    return scanStage(inputs, build, report.plan, run.outputDir, report.pushPolicy?.push === true);
  };
  const smoke = async () => (await import('./smoke/index.js')).smokeStage(inputs, build, run.label);
  const [scanned, smoked] = await Promise.allSettled([scan(), smoke()]);
  if (scanned.status === 'rejected') throw scanned.reason;
  if (smoked.status === 'rejected') throw smoked.reason;
  report.scan = scanned.value;
  report.smoke = smoked.value;
}

/** login → build → scan ‖ smoke → gate → push → sign, recording everything in the report. */
async function ship(inputs: Inputs, report: RunReport, run: RunContext): Promise<void> {
  const { plan, pushPolicy: policy } = report;
  if (plan.tags.length === 0) throw new Error(plan.warnings.join('; '));
  if (inputs.username) {
    const { login, loginRegistry } = await import('./push/login.js');
    // Every docker call from here on (the build's cache import, the push) uses this login.
    process.env.DOCKER_CONFIG = await login(loginRegistry(inputs, plan), inputs.username, inputs.password);
  }
  const { buildImage } = await import('./build/index.js');
  const build = (report.build = await buildImage(inputs, plan, policy?.push === true, run.outputDir));
  await scanAndSmoke(inputs, report, run, build);
  report.gates = decideGates(report.lint, report.scan, report.smoke);
  if (!report.gates.passed) return;
  if (!policy?.push) return core.info(`Not pushing: ${policy?.reason ?? 'no policy'}`);
  const push = (report.push = await (await import('./push/index.js')).pushStage(inputs, plan, build, policy));
  // Signatures go only on a digest that passed the gates and went out whole.
  if (push.pushed && push.failed.length === 0)
    report.sign = await (await import('./sign/index.js')).signStage(inputs, push, report.scan?.sbom);
}

/** lint, then (but on a dry run) the rest; a failure is recorded, to be reported like any other. */
async function stages(inputs: Inputs, report: RunReport, run: RunContext): Promise<void> {
  if (inputs.lint) report.lint = await (await import('./lint/index.js')).lintStage(inputs);
  if (!inputs.dryRun) await ship(inputs, report, run);
}

async function publish(inputs: Inputs, event: GitHubEvent, report: RunReport, run: RunContext) {
  try {
    const { publishReport } = await import('./report/index.js');
    setReportOutputs(await publishReport(report, event, inputs, run.outputDir));
  } catch (error) {
    core.warning(`Reporting to GitHub failed: ${messageOf(error)}`);
  }
}

/** The main step: inputs → plan → lint → build → scan ‖ smoke → gate → push → sign → report. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    for (const secret of secretsOf(inputs)) addSecret(secret);
    const event = readEvent();
    // mode: report posts a fork's saved report; nothing else runs.
    const saved = inputs.mode === 'report' && (await import('./report/saved.js'));
    if (saved)
      return setReportOutputs(await saved.postSavedReport(inputs, event, (await startRun()).outputDir));
    const plan = await planStage(inputs, event, new Date());
    for (const warning of plan.warnings) core.warning(warning);
    setPlanOutputs(plan);
    const context = await startRun();
    const report: RunReport = {
      plan,
      dryRun: inputs.dryRun,
      dockerfile: path.relative(inputs.workspace, inputs.file),
      runUrl: runUrl(event),
      pushPolicy: pushPolicy(inputs.push, event, inputs.dryRun)
    };
    await stages(inputs, report, context).catch((error: unknown) => (report.error = messageOf(error)));
    if (!inputs.dryRun) setResultOutputs(report);
    await publish(inputs, event, report, context);
    const failure = failureOf(report);
    if (failure) throw new Error(failure);
  } catch (error) {
    core.setFailed(redact(messageOf(error)));
  }
}
