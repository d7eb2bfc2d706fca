import { readFileSync } from 'node:fs';

/** The parts of a webhook payload that Shipshape reads; everything is optional in practice. */
export interface EventPayload {
  repository?: {
    name?: string;
    full_name?: string;
    description?: string | null;
    html_url?: string;
    default_branch?: string;
    license?: { spdx_id?: string | null } | null;
  };
  pull_request?: {
    number: number;
    head: { sha: string; ref: string; repo?: { full_name?: string } | null };
    base: { ref: string; repo?: { full_name?: string } | null };
  };
  release?: { tag_name: string; prerelease?: boolean; draft?: boolean };
  /** The pull request number on pull_request(_target) events. */
  number?: number;
  base_ref?: string | null;
  commits?: { id?: string; timestamp?: string }[];
  /** On workflow_run events: the run that finished (for `mode: report`). */
  workflow_run?: {
    head_sha: string;
    /** The run's page: where a fork's report links to, whatever the report says. */
    html_url?: string;
    head_branch?: string | null;
    head_repository?: { full_name?: string; owner?: { login?: string } } | null;
    pull_requests?: { number: number }[];
  };
  head_commit?: { id?: string; timestamp?: string } | null;
}

/** Everything the plan needs to know about the run that triggered the action. */
export interface GitHubEvent {
  eventName: string;
  ref: string;
  /** The commit the image is built from: the PR head on pull_request events. */
  sha: string;
  repository: string;
  serverUrl: string;
  runId: string;
  payload: EventPayload;
}

type Env = Record<string, string | undefined>;

function readPayload(path: string | undefined): EventPayload {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
  } catch (error) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH=${path}: ${String(error)}`);
  }
}

/** Builds the event from the runner's environment, as the runner sets it for every step. */
export function readEvent(env: Env = process.env): GitHubEvent {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  return eventFrom(env, payload);
}

export function eventFrom(env: Env, payload: EventPayload): GitHubEvent {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let ref = env.GITHUB_REF ?? '';
  // The runner sets GITHUB_REF for releases; payloads replayed without it still name the tag.
  if (!ref && payload.release?.tag_name) ref = `refs/tags/${payload.release.tag_name}`;
  // pull_request_target runs on the base branch's ref, but the image is the pull request's
  // (docker/metadata-action reads it as the pull request too).
  const prNumber = payload.number ?? payload.pull_request?.number;
  if (eventName === 'pull_request_target' && prNumber !== undefined) ref = `refs/pull/${prNumber}/merge`;
  // On pull requests GITHUB_SHA is a throwaway merge commit; the head is what people see and
  // review (docker/metadata-action does the same with DOCKER_METADATA_PR_HEAD_SHA=true).
  const sha = payload.pull_request?.head.sha ?? env.GITHUB_SHA ?? '';
  return {
    eventName,
    ref,
    sha,
    repository: env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    runId: env.GITHUB_RUN_ID ?? '',
    payload
  };
}

/** The job may mint a GitHub OIDC token (`permissions: id-token: write`): keyless signing. */
export const canRequestIdToken = (env: Env): boolean =>
  Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);

/** A pull request whose head lives in another repository (a fork). */
export function isForkPullRequest(event: GitHubEvent): boolean {
  const pr = event.payload.pull_request;
  if (!pr) return false;
  const head = pr.head.repo?.full_name;
  const base = pr.base.repo?.full_name ?? event.repository;
  return !head || head.toLowerCase() !== base.toLowerCase();
}

/** The workflow run's page, where the full logs and artifacts are. */
export function runUrl(event: GitHubEvent): string {
  return event.runId
    ? `${event.serverUrl}/${event.repository}/actions/runs/${event.runId}`
    : `${event.serverUrl}/${event.repository}/actions`;
}
