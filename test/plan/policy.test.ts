import { describe, expect, test } from '@jest/globals';
import { pushPolicy } from '../../src/plan/policy.js';
import { eventOf, scenario } from '../helpers/events.js';

const event = (kind: string) => eventOf(scenario(kind));

describe('whether a run pushes, and why', () => {
  test('dry-run never pushes, whatever push says', () => {
    for (const mode of ['auto', 'true', 'false'] as const)
      expect(pushPolicy(mode, event('push-branch'), true)).toEqual({
        push: false,
        reason: 'dry-run: nothing is pushed'
      });
  });

  test('push: false and push: true say so, on any event', () => {
    expect(pushPolicy('false', event('push-branch'), false)).toEqual({ push: false, reason: 'push: false' });
    expect(pushPolicy('true', event('pull_request-fork'), false)).toEqual({
      push: true,
      reason: 'push: true'
    });
  });

  test('auto on a fork pull request: not pushed, with the reason', () => {
    expect(pushPolicy('auto', event('pull_request-fork'), false)).toEqual({
      push: false,
      reason:
        'pull request from a fork: its token cannot write packages, and an image built from unreviewed code is not published'
    });
  });

  test('auto on pull_request_target from a fork: not pushed either', () => {
    const fork = event('pull_request-fork');
    expect(pushPolicy('auto', { ...fork, eventName: 'pull_request_target' }, false).push).toBe(false);
  });

  test('auto on a same-repository pull request: pr-N and sha- tags only', () => {
    expect(pushPolicy('auto', event('pull_request-opened'), false)).toEqual({
      push: true,
      reason: 'pull request from this repository: pr-N and sha- tags only',
      kinds: ['pr', 'sha']
    });
  });

  test('auto on any other event pushes everything, naming the event', () => {
    expect(pushPolicy('auto', event('release-published'), false)).toEqual({
      push: true,
      reason: 'release event'
    });
    expect(pushPolicy('auto', event('schedule'), false)).toEqual({ push: true, reason: 'schedule event' });
  });
});
