import * as core from '@actions/core';
import { statusOf, type Octokit, type Repo } from '../../common/github.js';

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

/** GitHub accepts at most 50 annotations per check run request: callers fold theirs to fit one. */
export const ANNOTATION_BATCH = 50;
const CHECK_SUMMARY_LIMIT = 65535;

async function createCheckRun(kit: Octokit, repo: Repo, check: CheckReport): Promise<void> {
  const annotations = check.annotations.slice(0, ANNOTATION_BATCH);
  await kit.rest.checks.create({
    ...repo,
    name: check.name,
    head_sha: check.sha,
    status: 'completed',
    conclusion: check.conclusion,
    details_url: check.detailsUrl,
    output: {
      title: check.title,
      summary: check.summary.slice(0, CHECK_SUMMARY_LIMIT),
      ...(annotations.length > 0 ? { annotations } : {})
    }
  });
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
