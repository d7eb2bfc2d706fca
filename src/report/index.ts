import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitHubEvent } from '../action/event.js';
import type { RunReport } from '../results.js';
import { redactDeep } from '../common/untrusted.js';
import { blocks } from '../common/verdict.js';
import { dockerfileAnnotations, foldAnnotations, STEP_ANNOTATION_LIMIT } from './annotations.js';
import { ANNOTATION_BATCH, publishCheck, type CheckReport, type Published } from './github/check.js';
import { upsertComment } from './github/comment.js';
import { octokit } from '../common/github.js';
import { COMMENT_LIMIT, outcomeOf, renderWithin, SUMMARY_LIMIT, type Outcome } from './markdown/render.js';
import { REPORT_VERSION } from './fork/schema.js';

/** Annotations on the check run: one request's worth, however many findings there are. */
const CHECK_ANNOTATIONS_PER_LEVEL = Math.floor(ANNOTATION_BATCH / 3);

/** The inputs reporting reads (named as in Inputs). */
export interface ReportSettings {
  githubToken: string;
  comment: boolean;
  context: string;
  file: string;
  target: string;
  platforms: string[];
  /** A platform job posts nothing to the pull request: its merge job posts one comment and check for all. */
  mode: string;
}

export interface PublishResult {
  commentUrl?: string;
  check: Published | 'skipped';
  reportPath: string;
}

const CHECK_TITLE: Record<Outcome, (failedGates: string[]) => string> = {
  failed: gates =>
    gates.length > 0 ? `Gate failed (${gates.join(', ')}): nothing pushed` : 'Failed: nothing pushed',
  partial: () => 'Push failed part-way: see which tags went out',
  pushed: () => 'Shipped',
  built: () => 'Built and checked',
  planned: () => 'Planned'
};

/**
 * The first line of the sticky comment, one per image per job: a comment is ours only when its
 * first line is exactly this (rendered text can never produce an HTML comment, nor a first line).
 * A fork's report gets a marker of its own, from nothing in the report.
 */
export function commentMarker(image: string | undefined, key: string): string {
  const safe = (s: string): string => s.replace(/[^\w./:@-]/g, '-').replace(/--+/g, '-');
  return image === undefined
    ? `<!-- shipshape:fork-report job=${safe(key)} -->`
    : `<!-- shipshape:comment image=${safe(image)} job=${safe(key)} -->`;
}

/** Matrix jobs share GITHUB_JOB: what they build tells their comments apart. */
export function commentKey(settings: ReportSettings): string {
  const what = [settings.context, settings.file, settings.target, settings.platforms.join(',')].join('|');
  return `${process.env.GITHUB_JOB ?? 'job'}-${createHash('sha256').update(what).digest('hex').slice(0, 8)}`;
}

function logAnnotations(report: RunReport): void {
  for (const a of foldAnnotations(dockerfileAnnotations(report), STEP_ANNOTATION_LIMIT)) {
    const props = { file: a.path, startLine: a.start_line, endLine: a.end_line, title: a.title };
    if (a.annotation_level === 'failure') core.error(a.message, props);
    else if (a.annotation_level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
}

/** How a fork's report is posted by `mode: report`: whether its word may turn the check green. */
export interface ForkReport {
  trustVerdict: boolean;
}

/** The check run's name: a fork's report has one of its own, so it can never stand in for another check. */
export const FORK_CHECK_NAME = 'Shipshape (fork report)';

/** Whether anything in the report holds the image back, whatever its outcome field says. */
function blocked(report: RunReport): boolean {
  const outcome = outcomeOf(report);
  return (
    outcome === 'failed' ||
    outcome === 'partial' ||
    report.gates?.passed === false ||
    (report.gates?.gates ?? []).some(blocks) ||
    (report.scan?.report.findings ?? []).some(f => f.blocking) ||
    (report.lint?.findings ?? []).some(f => f.blocking)
  );
}

function conclusion(report: RunReport, fork: ForkReport | undefined): CheckReport['conclusion'] {
  if (blocked(report)) return 'failure';
  return fork && !fork.trustVerdict ? 'neutral' : 'success';
}

/** Job summary, JSON report, workflow annotations, PR comment and check run. */
export async function publishReport(
  unredacted: RunReport,
  event: GitHubEvent,
  settings: ReportSettings,
  outputDir: string,
  fork?: ForkReport
): Promise<PublishResult> {
  // Container logs, tool output and PR content are in it: no secret may reach any of what follows.
  const report = redactDeep(unredacted);
  const reportPath = path.join(outputDir, 'shipshape-report.json');
  const saved = { reportVersion: REPORT_VERSION, outcome: outcomeOf(report), ...report };
  await writeFile(reportPath, JSON.stringify(saved, null, 2));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderWithin(report, SUMMARY_LIMIT)).write();
  // A dry run shows its findings on the Dockerfile's lines too: it only posts nothing.
  logAnnotations(report);
  if (report.dryRun || !settings.githubToken || settings.mode === 'platform')
    return { check: 'skipped', reportPath };
  const [owner, repo] = event.repository.split('/');
  const kit = octokit(settings.githubToken);
  const result: PublishResult = { check: 'skipped', reportPath };
  const image = report.plan.images[0] ?? '';
  const pr = event.payload.pull_request?.number;
  if (settings.comment && pr !== undefined) {
    const marker = commentMarker(fork ? undefined : image, commentKey(settings));
    try {
      const body = renderWithin(report, COMMENT_LIMIT, `${marker}\n`);
      result.commentUrl = await upsertComment(kit, { owner, repo }, pr, marker, body);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 403 && status !== 404) throw error;
      core.warning(
        'The token cannot comment on this pull request (read-only token of a fork): the results are in the job summary.'
      );
    }
  }
  if (event.sha) {
    const failed = report.gates?.gates.filter(blocks).map(g => g.gate) ?? [];
    result.check = await publishCheck(
      kit,
      { owner, repo },
      {
        name: fork ? FORK_CHECK_NAME : `Shipshape: ${image}`,
        sha: event.sha,
        conclusion: conclusion(report, fork),
        title: CHECK_TITLE[outcomeOf(report)](failed),
        summary: renderWithin(report, 60000),
        annotations: foldAnnotations(dockerfileAnnotations(report), CHECK_ANNOTATIONS_PER_LEVEL),
        detailsUrl: report.runUrl
      }
    );
  }
  return result;
}
