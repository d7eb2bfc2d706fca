import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Repo {
  owner: string;
  repo: string;
}

const MAX_RATE_LIMIT_RETRIES = 2;

/** Octokit for GITHUB_API_URL with retries on 5xx and rate limits honouring Retry-After, bounded. */
export function octokit(token: string): Octokit {
  return getOctokit(
    token,
    {
      // Read per call (not at import) so GHES and tests can point it elsewhere.
      baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
      retry: { retryAfterBaseValue: Number(process.env.SHIPSHAPE_RETRY_BASE_MS ?? 1000) },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _kit: unknown,
          retryCount: number
        ) => {
          core.info(`GitHub rate limit on ${options.method} ${options.url}; retrying after ${retryAfter} s`);
          return retryCount < MAX_RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _kit: unknown,
          retryCount: number
        ) => {
          core.info(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying after ${retryAfter} s`
          );
          return retryCount < MAX_RATE_LIMIT_RETRIES;
        }
      }
    },
    retry,
    throttling
  );
}

const statusOf = (error: unknown): number | undefined => (error as { status?: number }).status;

/** Creates the comment carrying `marker`, or updates it in place. Returns its URL. */
export async function upsertComment(
  kit: Octokit,
  repo: Repo,
  issue: number,
  marker: string,
  body: string
): Promise<string> {
  const comments = await kit.paginate(kit.rest.issues.listComments, {
    ...repo,
    issue_number: issue,
    per_page: 100
  });
  const existing = comments.find(c => c.body?.includes(marker));
  if (existing) {
    const { data } = await kit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return data.html_url;
  }
  const { data } = await kit.rest.issues.createComment({ ...repo, issue_number: issue, body });
  return data.html_url;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
}

export interface CheckReport {
  name: string;
  sha: string;
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  annotations: Annotation[];
  detailsUrl: string;
}

/** GitHub accepts at most 50 annotations per check run request. */
export const ANNOTATION_BATCH = 50;
const CHECK_SUMMARY_LIMIT = 65535;

async function createCheckRun(kit: Octokit, repo: Repo, check: CheckReport): Promise<void> {
  const summary = check.summary.slice(0, CHECK_SUMMARY_LIMIT);
  const batches: Annotation[][] = [];
  for (let i = 0; i < check.annotations.length; i += ANNOTATION_BATCH)
    batches.push(check.annotations.slice(i, i + ANNOTATION_BATCH));
  const output = (annotations: Annotation[] | undefined) => ({
    title: check.title,
    summary,
    ...(annotations && annotations.length > 0 ? { annotations } : {})
  });
  const { data } = await kit.rest.checks.create({
    ...repo,
    name: check.name,
    head_sha: check.sha,
    status: 'completed',
    conclusion: check.conclusion,
    details_url: check.detailsUrl,
    output: output(batches[0])
  });
  for (const batch of batches.slice(1)) {
    await kit.rest.checks.update({ ...repo, check_run_id: data.id, output: output(batch) });
  }
}

export type Published = 'check-run' | 'status' | 'none';

/**
 * A check run with annotations; without `checks: write`, a commit status; with a read-only
 * token (fork pull requests), nothing but a warning. Never fails the run.
 */
export async function publishCheck(kit: Octokit, repo: Repo, check: CheckReport): Promise<Published> {
  try {
    await createCheckRun(kit, repo, check);
    return 'check-run';
  } catch (error) {
    if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
    core.info(`No check run (${(error as Error).message}); trying a commit status`);
  }
  try {
    await kit.rest.repos.createCommitStatus({
      ...repo,
      sha: check.sha,
      state: check.conclusion === 'failure' ? 'failure' : 'success',
      context: check.name.slice(0, 255),
      description: check.title.slice(0, 140),
      target_url: check.detailsUrl
    });
    return 'status';
  } catch (error) {
    if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
    core.warning(
      'The token cannot write checks or statuses (a pull request from a fork has a read-only token): the results are in the job summary.'
    );
    return 'none';
  }
}
