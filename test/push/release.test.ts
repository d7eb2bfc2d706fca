import { describe, expect, test } from '@jest/globals';
import { pushPolicy } from '../../src/plan/policy.js';
import { decideRelease, releasedVersions } from '../../src/push/release.js';
import { makePlan } from '../../src/plan/index.js';
import { eventOf, PLAN_DEFAULTS, scenario, LIBRARIES } from '../helpers/events.js';
import type { SemverTag, TagKind } from '../../src/plan/contract.js';

const kindOf = (tag: string): TagKind =>
  tag === 'latest' ? 'latest' : tag.startsWith('sha-') ? 'sha' : 'semver';
/** What the default semver rules say of each tag: `X.Y.Z` names the release, `X.Y` and `X` float. */
const described = (version: string, tag: string): SemverTag => ({
  version,
  scope: tag === version ? 'full' : tag.split('.').length === 2 ? 'minor' : 'major',
  prefix: '',
  suffix: ''
});
const semverTags = (
  version: string,
  tags: string[],
  registryTags: string[],
  extra: Partial<Parameters<typeof decideRelease>[0]> = {}
) =>
  decideRelease({
    tagNames: tags,
    kinds: Object.fromEntries(tags.map(t => [t, kindOf(t)])),
    semver: Object.fromEntries(tags.filter(t => kindOf(t) === 'semver').map(t => [t, described(version, t)])),
    registryTags,
    sameImage: {},
    overwriteReleaseTags: false,
    ...extra
  });

/** Release safety on the plan the tag rules make for a tag push, against what the registry holds. */
function onPlan(rules: string[], gitTag: string, registryTags: string[]) {
  const s = scenario('tag-v1.2.3');
  s.ref = `refs/tags/${gitTag}`;
  const plan = makePlan(
    { ...PLAN_DEFAULTS, images: ['ghcr.io/acme/app'], tags: rules },
    eventOf(s),
    new Date(),
    { libraries: LIBRARIES }
  );
  return decideRelease({
    tagNames: plan.tagNames,
    kinds: plan.kinds,
    semver: plan.semver,
    registryTags,
    sameImage: {},
    overwriteReleaseTags: false
  });
}

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

  test('versions that are not valid semver (a leading zero) are not releases', () => {
    expect(releasedVersions(['1.02.3', '01.2.3', '1.2.3'])).toEqual(['1.2.3']);
  });

  test('a suffix with a dot is matched as written, not as a pattern', () => {
    expect(
      releasedVersions(['1.2.3-alpine3.20', '1.2.4-alpine3x20'], { prefix: '', suffix: '-alpine3.20' })
    ).toEqual(['1.2.3']);
  });

  test('an older major line moves its own floating tags; only latest stays on the newest', () => {
    const d = semverTags('1.3.0', ['1.3.0', '1.3', '1', 'latest'], ['2.0.0', '1.2.0']);
    expect(d.push).toEqual(['1.3.0', '1.3', '1']);
    expect(d.withheld).toEqual([
      { tag: 'latest', reason: 'the registry already holds 2.0.0, newer than 1.3.0: latest stays on 2.0.0' }
    ]);
  });

  test('X.Y moves for a patch while a newer minor holds X', () => {
    const d = semverTags('1.3.1', ['1.3.1', '1.3', '1'], ['1.4.0', '1.3.0']);
    expect(d.push).toEqual(['1.3.1', '1.3']);
    expect(d.withheld).toEqual([
      { tag: '1', reason: 'the registry already holds 1.4.0, newer than 1.3.1: 1 stays on 1.4.0' }
    ]);
  });

  test('the newest release is found whatever order the registry lists its tags in', () => {
    const d = semverTags('2.0.5', ['2.0.5', 'latest'], ['2.0.0', '2.1.0', '1.0.0']);
    expect(d.withheld).toEqual([
      { tag: 'latest', reason: 'the registry already holds 2.1.0, newer than 2.0.5: latest stays on 2.1.0' }
    ]);
  });

  test('X.Y stays on a newer patch of the same minor', () => {
    const d = semverTags('1.3.1', ['1.3.1', '1.3', '1'], ['1.3.2']);
    expect(d.push).toEqual(['1.3.1']);
    expect(d.withheld.map(w => w.tag)).toEqual(['1.3', '1']);
  });

  test('latest follows the first semver tag even when another kind of tag comes first', () => {
    const d = semverTags('1.0.1', ['sha-1', '1.0.1', 'latest'], ['2.0.0']);
    expect(d.push).toEqual(['sha-1', '1.0.1']);
    expect(d.withheld.map(w => w.tag)).toEqual(['latest']);
  });

  test('the conflict says what would be re-pointed and how to allow it', () => {
    expect(semverTags('1.2.3', ['1.2.3'], ['1.2.3']).conflicts).toEqual([
      {
        tag: '1.2.3',
        reason:
          '1.2.3 already exists with different content; release tags are never re-pointed (set overwrite-release-tags: true to allow it)'
      }
    ]);
  });

  test('a prerelease never moves floating tags', () => {
    const d = semverTags('3.0.0-rc.1', ['3.0.0-rc.1', 'latest'], ['2.0.0']);
    expect(d.push).toEqual(['3.0.0-rc.1']);
    expect(d.withheld[0].reason).toContain('prerelease');
  });
});

describe('release safety with a prefix or suffix on the semver rules', () => {
  const ALPINE = [
    'type=semver,pattern={{version}},suffix=-alpine',
    'type=semver,pattern={{major}}.{{minor}},suffix=-alpine',
    'type=semver,pattern={{major}},suffix=-alpine',
    'type=raw,value=latest-alpine,enable={{is_default_branch}}'
  ];

  test('1.2.3-alpine is the stable release 1.2.3: its floating tags move', () => {
    const d = onPlan(ALPINE.slice(0, 3), 'v1.2.3', ['1.2.2-alpine', '1.2-alpine', '1-alpine']);
    expect(d.push).toEqual(['1.2.3-alpine', '1.2-alpine', '1-alpine', 'latest']);
    expect(d.withheld).toEqual([]);
  });

  test('releases of the same suffix are recognised: an older patch leaves 1-alpine on 1.5.0', () => {
    const d = onPlan(ALPINE.slice(0, 3), 'v1.4.9', ['1.5.0-alpine', '1.5-alpine', '1-alpine', '2.0.0']);
    expect(d.push).toEqual(['1.4.9-alpine', '1.4-alpine']);
    expect(d.withheld).toEqual([
      {
        tag: '1-alpine',
        reason: 'the registry already holds 1.5.0, newer than 1.4.9: 1-alpine stays on 1.5.0'
      },
      { tag: 'latest', reason: 'the registry already holds 1.5.0, newer than 1.4.9: latest stays on 1.5.0' }
    ]);
  });

  test('prefix app-: app-1.2.3 is never re-pointed, and latest never moves backwards', () => {
    const rules = [
      'type=semver,pattern={{version}},prefix=app-',
      'type=semver,pattern={{major}},prefix=app-'
    ];
    expect(onPlan(rules, 'v1.2.3', ['app-1.2.3']).conflicts.map(c => c.tag)).toEqual(['app-1.2.3']);
    const older = onPlan(rules, 'v1.0.1', ['app-2.0.0', 'app-1.1.0', 'latest']);
    expect(older.push).toEqual(['app-1.0.1']);
    expect(older.withheld.map(w => w.tag)).toEqual(['app-1', 'latest']);
  });

  test('registry versions are read with the prefix and suffix they were pushed with', () => {
    expect(
      releasedVersions(['1.2.3-alpine', '1.3.0', 'v2.0.0-alpine', '2.1-alpine'], {
        prefix: '',
        suffix: '-alpine'
      })
    ).toEqual(['1.2.3', '2.0.0']);
    expect(releasedVersions(['app-1.2.3', '1.9.0'], { prefix: 'app-', suffix: '' })).toEqual(['1.2.3']);
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
