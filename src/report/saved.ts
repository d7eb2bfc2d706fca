import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import type { GitHubEvent } from '../action/event.js';
import { octokit } from '../common/github.js';
import type { RunReport } from '../results.js';
import { publishReport, type PublishResult, type ReportSettings } from './index.js';

/** The parts of a saved report that posting relies on, checked: the file came from a fork's run. */
function readSaved(text: string): RunReport {
  const report = JSON.parse(text) as Partial<RunReport>;
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every(s => typeof s === 'string');
  const plan = report.plan;
  if (
    !plan ||
    !strings(plan.images) ||
    !strings(plan.tags) ||
    !strings(plan.labels) ||
    typeof report.runUrl !== 'string'
  ) {
    throw new Error('the saved report is not a Shipshape report (plan.images, plan.tags, runUrl)');
  }
  return { ...(report as RunReport), dryRun: false };
}

/**
 * The pull request a `workflow_run` event is about, from the event itself and the API, never
 * from the saved report: GitHub lists no pull requests for runs from forks, so it is found by
 * its head (the fork's owner and branch) and must be at the run's commit.
 */
async function pullRequestOf(event: GitHubEvent, token: string): Promise<number | undefined> {
  const run = event.payload.workflow_run;
  if (!run)
    throw new Error('mode: report runs on a workflow_run event (after the workflow that saved the report)');
  const listed = run.pull_requests?.find(p => p.number)?.number;
  if (listed) return listed;
  const owner = run.head_repository?.owner?.login;
  if (!owner || !run.head_branch || !token) return undefined;
  const [repoOwner, repo] = event.repository.split('/');
  const { data } = await octokit(token).rest.pulls.list({
    owner: repoOwner,
    repo,
    state: 'open',
    head: `${owner}:${run.head_branch}`
  });
  return data.find(p => p.head.sha === run.head_sha)?.number;
}

/**
 * `mode: report`: posts the report a fork's pull request run saved (its token could not) as
 * the sticky comment and check run. Nothing from the fork runs: no docker, no build, no tool;
 * the report's text is rendered inert like any other untrusted text.
 */
export async function postSavedReport(
  settings: ReportSettings & { reportFile: string },
  event: GitHubEvent,
  outputDir: string
): Promise<PublishResult> {
  if (!settings.reportFile)
    throw new Error('mode: report needs "report-file": the saved shipshape-report.json');
  const report = readSaved(await readFile(settings.reportFile, 'utf8'));
  const sha = event.payload.workflow_run?.head_sha ?? '';
  const number = await pullRequestOf(event, settings.githubToken);
  if (number === undefined) core.warning('No open pull request at this commit: posting the check run only.');
  const posted: GitHubEvent = {
    ...event,
    eventName: 'pull_request',
    sha,
    payload:
      number === undefined ? {} : { pull_request: { number, head: { sha, ref: '' }, base: { ref: '' } } }
  };
  return publishReport(report, posted, settings, outputDir);
}
