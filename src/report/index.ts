import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitHubEvent } from '../action/event.js';
import type { RunReport } from '../results.js';
import { redactDeep } from '../common/untrusted.js';
import { blocks } from '../common/verdict.js';
import { dockerfileAnnotations, fitStepLimits } from './annotations.js';
import { publishCheck, type Published } from './github/check.js';
import { upsertComment } from './github/comment.js';
import { octokit } from '../common/github.js';
import { COMMENT_LIMIT, outcomeOf, renderWithin, SUMMARY_LIMIT, type Outcome } from './render.js';

/** The inputs reporting reads (named as in Inputs). */
export interface ReportSettings {
  githubToken: string;
  comment: boolean;
  context: string;
  file: string;
  target: string;
  platforms: string[];
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

/** The hidden marker of the sticky comment: one per image per job. */
export function commentMarker(image: string, key: string): string {
  const safe = (s: string): string => s.replace(/--+|[<>]/g, '-');
  return `<!-- shipshape:comment image=${safe(image)} job=${safe(key)} -->`;
}

/** Matrix jobs share GITHUB_JOB: what they build tells their comments apart. */
export function commentKey(settings: ReportSettings): string {
  const what = [settings.context, settings.file, settings.target, settings.platforms.join(',')].join('|');
  return `${process.env.GITHUB_JOB ?? 'job'}-${createHash('sha256').update(what).digest('hex').slice(0, 8)}`;
}

function logAnnotations(report: RunReport): void {
  for (const a of fitStepLimits(dockerfileAnnotations(report))) {
    const props = { file: a.path, startLine: a.start_line, endLine: a.end_line, title: a.title };
    if (a.annotation_level === 'failure') core.error(a.message, props);
    else if (a.annotation_level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
}

/** Job summary, JSON report, workflow annotations, PR comment and check run. */
export async function publishReport(
  unredacted: RunReport,
  event: GitHubEvent,
  settings: ReportSettings,
  outputDir: string
): Promise<PublishResult> {
  // Container logs, tool output and PR content are in it: no secret may reach any of what follows.
  const report = redactDeep(unredacted);
  const reportPath = path.join(outputDir, 'shipshape-report.json');
  await writeFile(reportPath, JSON.stringify({ outcome: outcomeOf(report), ...report }, null, 2));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderWithin(report, SUMMARY_LIMIT)).write();
  if (report.dryRun) return { check: 'skipped', reportPath };
  logAnnotations(report);
  if (!settings.githubToken) return { check: 'skipped', reportPath };
  const [owner, repo] = event.repository.split('/');
  const kit = octokit(settings.githubToken);
  const result: PublishResult = { check: 'skipped', reportPath };
  const image = report.plan.images[0] ?? '';
  const pr = event.payload.pull_request?.number;
  if (settings.comment && pr !== undefined) {
    const marker = commentMarker(image, commentKey(settings));
    try {
      result.commentUrl = await upsertComment(
        kit,
        { owner, repo },
        pr,
        marker,
        renderWithin(report, COMMENT_LIMIT, `${marker}\n`)
      );
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 403 && status !== 404) throw error;
      core.warning(
        'The token cannot comment on this pull request (read-only token of a fork): the results are in the job summary.'
      );
    }
  }
  if (event.sha) {
    const outcome = outcomeOf(report);
    const failed = report.gates?.gates.filter(blocks).map(g => g.gate) ?? [];
    result.check = await publishCheck(
      kit,
      { owner, repo },
      {
        name: `Shipshape: ${image}`,
        sha: event.sha,
        conclusion: outcome === 'failed' || outcome === 'partial' ? 'failure' : 'success',
        title: CHECK_TITLE[outcome](failed),
        summary: renderWithin(report, 60000),
        annotations: dockerfileAnnotations(report),
        detailsUrl: report.runUrl
      }
    );
  }
  return result;
}
