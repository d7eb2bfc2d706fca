import { readFileSync } from 'node:fs';
function readPayload(path) {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH=${path}: ${String(error)}`);
  }
}
/** Builds the event from the runner's environment, as the runner sets it for every step. */
export function readEvent(env = process.env) {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  return eventFrom(env, payload);
}
export function eventFrom(env, payload) {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let ref = env.GITHUB_REF ?? '';
  // The runner sets GITHUB_REF for releases; payloads replayed without it still name the tag.
  if (!ref && payload.release?.tag_name) ref = `refs/tags/${payload.release.tag_name}`;
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
/** A pull request whose head lives in another repository (a fork). */
export function isForkPullRequest(event) {
  const pr = event.payload.pull_request;
  if (!pr) return false;
  const head = pr.head.repo?.full_name;
  const base = pr.base.repo?.full_name ?? event.repository;
  return !head || head.toLowerCase() !== base.toLowerCase();
}
