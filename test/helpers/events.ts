import examples from '@octokit/webhooks-examples' with { type: 'json' };
import pep440 from '@renovate/pep440';
import { formatDate } from '../../src/plan/dates.js';
import type { PlanSettings } from '../../src/plan/index.js';
import type { Libraries } from '../../src/plan/tags/index.js';
import { semver } from '../../src/plan/tags/semver.js';
import type { EventPayload, GitHubEvent } from '../../src/action/event.js';
import { eventFrom } from '../../src/action/event.js';

type Example = Record<string, unknown> & { action?: string; ref?: string };

/** A real payload recorded by GitHub (octokit/webhooks), deep-copied so tests can edit it. */
export function payload(name: string, match: (p: Example) => boolean = () => true): Example {
  const group = (examples as unknown as { name: string; examples: Example[] }[]).find(e => e.name === name);
  const found = group?.examples.find(match);
  if (!found) throw new Error(`no ${name} example matches`);
  return structuredClone(found);
}

export const PUSH_SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
export const PR_HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
export const MERGE_SHA = '0123456789abcdef0123456789abcdef01234567';

export interface Scenario {
  name: string;
  payload: Example;
  ref: string;
  sha: string;
}

/** The event kinds Shipshape supports, each from a real payload (refs edited for tag variants). */
export function scenario(kind: string): Scenario {
  const from = (
    name: string,
    group: string,
    match: (p: Example) => boolean,
    ref: string,
    sha = PUSH_SHA
  ) => ({
    name,
    payload: payload(group, match),
    ref,
    sha
  });
  const tagPush = (tag: string): Scenario => {
    const p = payload('push', e => String(e.ref).startsWith('refs/tags/'));
    p.ref = `refs/tags/${tag}`;
    return { name: 'push', payload: p, ref: p.ref, sha: PUSH_SHA };
  };
  const opened = (e: Example) => e.action === 'opened';
  switch (kind) {
    case 'push-branch':
      return from('push', 'push', e => e.ref === 'refs/heads/master', 'refs/heads/master');
    case 'push-feature-branch': {
      const p = payload('push', e => e.ref === 'refs/heads/master');
      p.ref = 'refs/heads/feature/Login_v2';
      return { name: 'push', payload: p, ref: p.ref, sha: PUSH_SHA };
    }
    case 'tag-v1.2.3':
      return tagPush('v1.2.3');
    case 'tag-1.2.3':
      return tagPush('1.2.3');
    case 'tag-v2.0.0-rc.1':
      return tagPush('v2.0.0-rc.1');
    case 'tag-simple':
      return from('push', 'push', e => e.ref === 'refs/tags/simple-tag', 'refs/tags/simple-tag');
    case 'pull_request-opened':
    case 'pull_request-synchronize': {
      const action = kind.slice('pull_request-'.length);
      return from('pull_request', 'pull_request', e => e.action === action, 'refs/pull/2/merge', MERGE_SHA);
    }
    case 'pull_request_target':
      // Same payload as pull_request; the runner's ref and SHA are the base branch's.
      return from('pull_request_target', 'pull_request', opened, 'refs/heads/master');
    case 'pull_request-fork': {
      const p = payload('pull_request', opened) as {
        pull_request: { head: { repo: { full_name: string } } };
      };
      p.pull_request.head.repo.full_name = 'forker/Hello-World';
      return { name: 'pull_request', payload: p, ref: 'refs/pull/2/merge', sha: MERGE_SHA };
    }
    case 'release-published':
      return from('release', 'release', e => e.action === 'published', 'refs/tags/0.0.1');
    case 'workflow_dispatch':
      return from(
        'workflow_dispatch',
        'workflow_dispatch',
        e => e.ref === 'refs/heads/main',
        'refs/heads/main'
      );
    case 'schedule':
      // Scheduled runs carry no webhook; the runner writes this small payload.
      return {
        name: 'schedule',
        payload: { schedule: '0 3 * * *' },
        ref: 'refs/heads/master',
        sha: PUSH_SHA
      };
    default:
      throw new Error(`unknown scenario ${kind}`);
  }
}

export function eventOf(s: Scenario): GitHubEvent {
  const repository = (s.payload as EventPayload).repository?.full_name ?? 'Codertocat/Hello-World';
  return eventFrom(
    { GITHUB_EVENT_NAME: s.name, GITHUB_REF: s.ref, GITHUB_SHA: s.sha, GITHUB_REPOSITORY: repository },
    s.payload as EventPayload
  );
}

/** Plan settings as getInputs gives them when only `images` is set. */
export const PLAN_DEFAULTS: PlanSettings = {
  images: [],
  tags: [],
  flavor: [],
  latest: 'auto',
  version: '',
  labels: {},
  annotations: {},
  annotationLevels: ['manifest'],
  shortShaLength: 7,
  githubToken: '',
  baseline: 'auto'
};

/** What planStage loads for rules that format dates or read PEP 440 or semver versions. */
export const LIBRARIES: Libraries = { formatDate, pep440, semver };
