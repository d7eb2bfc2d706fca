import * as core from '@actions/core';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerfileAnnotations, fitStepLimits } from './annotations.js';
import type { GitHubEvent } from './event.js';
import { octokit, publishCheck, upsertComment, type Published } from './github.js';
import type { Severity } from './inputs.js';
import { COMMENT_LIMIT, outcomeOf, renderWithin, SUMMARY_LIMIT, type RunReport } from './report.js';

export interface PublishOptions {
  token: string;
  comment: boolean;
  failOn: Severity | 'none';
  /** Distinguishes this job's comment from other jobs' and images' (matrix builds). */
  commentKey: string;
  outputDir: string;
}

export interface PublishResult {
  commentUrl?: string;
  check: Published | 'skipped';
  reportPath: string;
}

/** The hidden marker of the sticky comment: one per image per job. */
export function commentMarker(image: string, key: string): string {
  const safe = (s: string): string => s.replace(/--+|[<>]/g, '-');
  return `<!-- shipshape:comment image=${safe(image)} job=${safe(key)} -->`;
}

function logAnnotations(report: RunReport, failOn: Severity | 'none'): void {
  for (const a of fitStepLimits(dockerfileAnnotations(report, failOn))) {
    const props = { file: a.path, startLine: a.start_line, endLine: a.end_line, title: a.title };
    if (a.annotation_level === 'failure') core.error(a.message, props);
    else if (a.annotation_level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
}

/** Job summary, JSON report, workflow annotations, PR comment and check run. */
export async function publish(
  report: RunReport,
  event: GitHubEvent,
  o: PublishOptions
): Promise<PublishResult> {
  const reportPath = path.join(o.outputDir, 'shipshape-report.json');
  await writeFile(reportPath, JSON.stringify({ outcome: outcomeOf(report), ...report }, null, 2));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderWithin(report, SUMMARY_LIMIT)).write();
  if (report.dryRun) return { check: 'skipped', reportPath };
  logAnnotations(report, o.failOn);
  if (!o.token) return { check: 'skipped', reportPath };
  const [owner, repo] = event.repository.split('/');
  const kit = octokit(o.token);
  const result: PublishResult = { check: 'skipped', reportPath };
  const image = report.plan.images[0] ?? '';
  const pr = event.payload.pull_request?.number;
  if (o.comment && pr !== undefined) {
    const marker = commentMarker(image, o.commentKey);
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
    const failed = report.gates?.gates.filter(g => g.status === 'failed').map(g => g.name) ?? [];
    result.check = await publishCheck(
      kit,
      { owner, repo },
      {
        name: `Shipshape: ${image}`,
        sha: event.sha,
        conclusion: outcome === 'failed' ? 'failure' : 'success',
        title:
          outcome === 'failed'
            ? `Gate failed (${failed.join(', ') || 'error'}): nothing pushed`
            : outcome === 'pushed'
              ? 'Shipped'
              : 'Built and checked',
        summary: renderWithin(report, 60000),
        annotations: dockerfileAnnotations(report, o.failOn),
        detailsUrl: report.runUrl
      }
    );
  }
  return result;
}
