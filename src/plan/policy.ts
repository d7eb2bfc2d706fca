import { isForkPullRequest, type GitHubEvent } from '../action/event.js';
import type { PushPolicy } from './contract.js';

/** Whether this run pushes, from the `push` input and the event (pure). */
export function pushPolicy(mode: 'auto' | 'true' | 'false', event: GitHubEvent, dryRun: boolean): PushPolicy {
  if (dryRun) return { push: false, reason: 'dry-run: nothing is pushed' };
  if (mode === 'false') return { push: false, reason: 'push: false' };
  if (mode === 'true') return { push: true, reason: 'push: true' };
  if (event.eventName.startsWith('pull_request')) {
    if (isForkPullRequest(event)) {
      return {
        push: false,
        reason:
          'pull request from a fork: its token cannot write packages, and an image built from unreviewed code is not published'
      };
    }
    return {
      push: true,
      reason: 'pull request from this repository: pr-N and sha- tags only',
      kinds: ['pr', 'sha']
    };
  }
  return { push: true, reason: `${event.eventName} event` };
}
