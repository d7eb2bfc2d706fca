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
