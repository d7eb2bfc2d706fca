import * as core from '@actions/core';
import type { GitHubEvent } from '../../action/event.js';
import { octokit } from '../../common/github.js';
import { MAX_JSON_BYTES, parseChecked, readBounded } from '../../common/json-file.js';
import type { RunReport } from '../../results.js';
import { publishReport, type PublishResult, type ReportSettings } from '../index.js';
import { REPORT_VERSION, SavedReport } from './schema.js';

/**
 * A saved report, checked field by field against the report's schema: the file came from a
 * fork's run. What does not fit is refused with one line that names where, never what it held.
 */
export function readSaved(text: string): RunReport {
  const refuse = (why: string): Error =>
    new Error(`the saved report is not a Shipshape report (version ${REPORT_VERSION}): ${why}`);
  const report: Partial<SavedReport> = { ...parseChecked(text, SavedReport, refuse), dryRun: false };
  // The version and outcome are the file's, not the run's: the outcome is decided again from what it holds.
  delete report.reportVersion;
  delete report.outcome;
  return report as RunReport;
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
 * the report is checked against its schema and rendered inert like any other untrusted text.
 * Its links go to the run GitHub names in the event, and its check never says more than
 * neutral on the fork's word unless the workflow says to trust it.
 */
export async function postSavedReport(
  settings: ReportSettings & { reportFile: string; forkReportConclusion: 'neutral' | 'verdict' },
  event: GitHubEvent,
  outputDir: string
): Promise<PublishResult> {
  if (!settings.reportFile)
    throw new Error('mode: report needs "report-file": the saved shipshape-report.json');
  const report = readSaved(await readBounded(settings.reportFile, 'report-file', MAX_JSON_BYTES));
  const run = event.payload.workflow_run;
  const number = await pullRequestOf(event, settings.githubToken);
  if (number === undefined) core.warning('No open pull request at this commit: posting the check run only.');
  const sha = run?.head_sha ?? '';
  const posted: GitHubEvent = {
    ...event,
    eventName: 'pull_request',
    sha,
    payload:
      number === undefined ? {} : { pull_request: { number, head: { sha, ref: '' }, base: { ref: '' } } }
  };
  const runUrl = run?.html_url ?? '';
  return publishReport({ ...report, runUrl }, posted, settings, outputDir, {
    trustVerdict: settings.forkReportConclusion === 'verdict'
  });
}
