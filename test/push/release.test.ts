import { describe, expect, test } from '@jest/globals';
import { pushPolicy } from '../../src/plan/policy.js';
import { decideRelease, releasedVersions } from '../../src/push/release.js';
import type { TagKind } from '../../src/results.js';
import { eventOf, scenario } from '../helpers/events.js';

const semverTags = (
  version: string,
  tags: string[],
  registryTags: string[],
  extra: Partial<Parameters<typeof decideRelease>[0]> = {}
) =>
  decideRelease({
    version,
    tagNames: tags,
    kinds: Object.fromEntries(
      tags.map(t => [t, (t === 'latest' ? 'latest' : t.startsWith('sha-') ? 'sha' : 'semver') as TagKind])
    ),
    registryTags,
    sameImage: {},
    overwriteReleaseTags: false,
    ...extra
  });

describe('release safety (pure)', () => {
  test('registry versions: stable full versions only', () => {
    expect(releasedVersions(['1.2.3', 'v2.0.0', '2.0', 'latest', '3.0.0-rc.1', 'sha-abc'])).toEqual([
      '1.2.3',
      '2.0.0'
    ]);
  });

  test('a newer release: everything moves', () => {
    const d = semverTags('2.1.0', ['2.1.0', '2.1', '2', 'sha-1', 'latest'], ['2.0.0', '2.0', '2', 'latest']);
    expect(d.push).toEqual(['2.1.0', '2.1', '2', 'sha-1', 'latest']);
    expect(d.withheld).toEqual([]);
  });

  test('2.0.0 then 1.5.1: latest and 2 stay, 1 and 1.5 move', () => {
    const d = semverTags(
      '1.5.1',
      ['1.5.1', '1.5', '1', 'sha-1', 'latest'],
      ['2.0.0', '2.0', '2', 'latest', '1.5.0', '1.5', '1']
    );
    expect(d.push).toEqual(['1.5.1', '1.5', '1', 'sha-1']);
    expect(d.withheld).toEqual([
      { tag: 'latest', reason: 'the registry already holds 2.0.0, newer than 1.5.1: latest stays on 2.0.0' }
    ]);
  });

  test('a patch of an older minor does not move X when a newer minor exists', () => {
    const d = semverTags('1.4.9', ['1.4.9', '1.4', '1'], ['1.5.0', '1.4.8']);
    expect(d.push).toEqual(['1.4.9', '1.4']);
    expect(d.withheld.map(w => w.tag)).toEqual(['1']);
  });

  test('an existing release tag with other content is a conflict; the same image is unchanged', () => {
    expect(semverTags('1.2.3', ['1.2.3', '1.2'], ['1.2.3']).conflicts.map(c => c.tag)).toEqual(['1.2.3']);
    expect(semverTags('1.2.3', ['1.2.3', '1.2'], ['1.2.3'], { sameImage: { '1.2.3': true } })).toMatchObject({
      unchanged: ['1.2.3'],
      push: ['1.2'],
      conflicts: []
    });
    expect(semverTags('1.2.3', ['1.2.3'], ['1.2.3'], { overwriteReleaseTags: true }).push).toEqual(['1.2.3']);
  });

  test('a prerelease never moves floating tags', () => {
    const d = semverTags('3.0.0-rc.1', ['3.0.0-rc.1', 'latest'], ['2.0.0']);
    expect(d.push).toEqual(['3.0.0-rc.1']);
    expect(d.withheld[0].reason).toContain('prerelease');
  });
});

describe('when to push', () => {
  test.each<[string, 'auto' | 'true' | 'false', boolean]>([
    ['push-branch', 'auto', true],
    ['tag-v1.2.3', 'auto', true],
    ['release-published', 'auto', true],
    ['workflow_dispatch', 'auto', true],
    ['pull_request-opened', 'auto', true],
    ['pull_request-fork', 'auto', false],
    ['pull_request-fork', 'true', true],
    ['push-branch', 'false', false]
  ])('%s with push=%s → %s', (kind, mode, expected) => {
    expect(pushPolicy(mode, eventOf(scenario(kind)), false).push).toBe(expected);
  });
  test('same-repo pull requests push pr-N and sha- tags only; forks say why; dry-run never', () => {
    expect(pushPolicy('auto', eventOf(scenario('pull_request-opened')), false).kinds).toEqual(['pr', 'sha']);
    expect(pushPolicy('auto', eventOf(scenario('pull_request-fork')), false).reason).toContain('fork');
    expect(pushPolicy('true', eventOf(scenario('push-branch')), true).push).toBe(false);
  });
});
