import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { makePlan, needsOf, planStage, type PlanSettings } from '../../../src/plan/index.js';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js';
import {
  eventOf,
  LIBRARIES,
  PLAN_DEFAULTS,
  PR_HEAD_SHA,
  PUSH_SHA,
  scenario,
  type Scenario
} from '../../helpers/events.js';

// docker/metadata-action v6 grammar on real webhook payloads; every expected tag written out.
const NOW = new Date('2026-11-22T23:30:00.000Z');
const settings = (extra: Partial<PlanSettings>): PlanSettings => ({
  ...PLAN_DEFAULTS,
  images: ['ghcr.io/acme/app'],
  ...extra
});
const tagsOn = (s: Scenario, extra: Partial<PlanSettings>) =>
  makePlan(settings(extra), eventOf(s), NOW, { libraries: LIBRARIES }).tagNames;
const tags = (kind: string, extra: Partial<PlanSettings>) => tagsOn(scenario(kind), extra);

/** A tag push of `tag` (the recorded tag-push payload with its ref edited). */
const tagPush = (tag: string): Scenario => {
  const s = scenario('tag-v1.2.3');
  s.ref = s.payload.ref = `refs/tags/${tag}`;
  return s;
};

describe('pull_request_target is the pull request, not a push to its base', () => {
  test('default rules: pr-N and the head SHA, though GITHUB_REF and GITHUB_SHA are the base branch', () => {
    expect(tags('pull_request_target', {})).toEqual(['pr-2', 'sha-ec26c3e']);
  });

  test("{{base_ref}} on a branch push is empty, even when the payload has one; a tag push's names its branch", () => {
    const rule = { tags: ['type=raw,value=base-{{base_ref}}'] };
    const push = scenario('push-branch');
    push.payload.base_ref = 'refs/heads/main';
    expect(tagsOn(push, rule)).toEqual(['base-']);
    const tag = tagPush('v1.2.3');
    tag.payload.base_ref = 'refs/heads/main';
    expect(tagsOn(tag, rule)).toEqual(['base-main']);
  });

  test('{{branch}} is empty and {{base_ref}} names the base, as on pull_request', () => {
    expect(tags('pull_request_target', { tags: ['type=raw,value=to-{{base_ref}}{{branch}}'] })).toEqual([
      'to-master'
    ]);
  });
});

describe('flavor', () => {
  test.each<[string, string, string[], string[]]>([
    [
      'prefix on every rule without its own',
      'tag-v1.2.3',
      ['prefix=app-'],
      ['app-1.2.3', 'app-1.2', 'app-1', 'sha-6113728', 'latest']
    ],
    [
      'suffix, on latest too',
      'tag-v1.2.3',
      ['suffix=-alpine,onlatest=true'],
      ['1.2.3-alpine', '1.2-alpine', '1-alpine', 'sha-6113728-alpine', 'latest-alpine']
    ],
    [
      'prefix and suffix on separate lines, onlatest for the prefix only',
      'tag-v1.2.3',
      ['prefix=v,onlatest=true', 'suffix=-slim'],
      ['v1.2.3-slim', 'v1.2-slim', 'v1-slim', 'sha-6113728-slim', 'vlatest']
    ],
    ['latest=false on a release', 'tag-v1.2.3', ['latest=false'], ['1.2.3', '1.2', '1', 'sha-6113728']],
    ['latest=true on a branch push', 'push-branch', ['latest=true'], ['master', 'sha-6113728', 'latest']],
    ['an expression in the prefix', 'push-branch', ['prefix={{branch}}-'], ['master-master', 'sha-6113728']]
  ])('%s', (_what, kind, flavor, expected) => {
    expect(tags(kind, { flavor })).toEqual(expected);
  });

  test("a rule's own prefix= and suffix=, even empty, win over the flavor's", () => {
    expect(
      tags('push-branch', {
        flavor: ['prefix=app-', 'suffix=-x'],
        tags: ['type=ref,event=branch,prefix=', 'type=raw,value=y,suffix=-z']
      })
    ).toEqual(['master-x', 'app-y-z']);
  });

  test('the semver tags a flavor suffix made are that release line for release safety', () => {
    const plan = makePlan(settings({ flavor: ['suffix=-alpine'] }), eventOf(scenario('tag-v1.2.3')), NOW, {
      libraries: LIBRARIES
    });
    expect(plan.semver['1.2-alpine']).toEqual({
      version: '1.2.3',
      scope: 'minor',
      prefix: '',
      suffix: '-alpine'
    });
    expect(plan.kinds.latest).toBe('latest');
  });

  test.each([
    [
      ['latest=maybe'],
      /input "flavor": "latest=maybe" sets latest to something other than auto, true or false/
    ],
    [['prefix'], /input "flavor": "prefix" has "prefix", not key=value/],
    [['sufix=-x'], /unknown key "sufix"/],
    [['onlatest=true'], /onlatest= without a prefix= or suffix= before it/]
  ])('%j is refused', (flavor, message) => {
    expect(() => tags('push-branch', { flavor })).toThrow(message);
  });

  test('the latest input and the flavor must agree when both are set', () => {
    expect(() => tags('push-branch', { flavor: ['latest=false'], latest: 'true' })).toThrow(
      'inputs "latest" (true) and "flavor" (latest=false) disagree'
    );
    expect(tags('push-branch', { flavor: ['latest=true'], latest: 'auto' })).toContain('latest');
  });
});

describe('{{date}}: moment format tokens and tz=', () => {
  test.each([
    ["{{date 'GGGG.WW'}}", '2026.47'],
    ["{{date 'YYYY[w]WW' tz='Asia/Tokyo'}}", '2026w48'],
    ["{{date 'dddd-Do-MMM'}}", 'Sunday-22nd-Nov'],
    ["{{date 'X'}}", '1795390200'],
    ["{{date 'Q-DDDD'}}", '4-326'],
    ["{{date 'YYYYMMDD-HHmm z' tz='America/New_York'}}", '20261122-1830-EST'],
    ["{{date 'YYYYMMDDTHHmmssZZ' tz='Asia/Kolkata'}}", '20261123T050000-0530']
  ])('%s → %s', (expression, expected) => {
    expect(tags('push-branch', { tags: [`type=raw,value=${expression}`] })).toEqual([expected]);
  });

  test('an unknown time zone or date attribute is an error naming the rule', () => {
    expect(() => tags('push-branch', { tags: ["type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}"] })).toThrow(
      /rule "type=raw,value=\{\{date 'YYYY' tz='Mars\/Olympus'\}\}": unknown time zone 'Mars\/Olympus'/
    );
    expect(() => tags('push-branch', { tags: ["type=raw,value={{date 'YYYY' zone='UTC'}}"] })).toThrow(
      'unknown date attribute zone'
    );
  });

  test('{{commit_date}} on a push is the payload commit time', () => {
    expect(tags('push-branch', { tags: ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss'}}"] })).toEqual([
      '20190515-151925'
    ]);
  });
});

describe('type=match, type=pep440, match= on semver', () => {
  test.each<[string, string, string[]]>([
    ['type=match,pattern=\\d+.\\d+.\\d+', 'tag v1.2.3', ['1.2.3', 'latest']],
    ['type=match,pattern=v(\\d+.\\d+),group=1', 'tag v1.2.3', ['1.2', 'latest']],
    ['type=match,pattern=/V(\\d+)/i,group=1', 'tag v1.2.3', ['1', 'latest']],
    ['type=match,pattern=v(\\d),group=2', 'tag v1.2.3', []],
    ['type=match,pattern=^release-', 'tag v1.2.3', []],
    ['type=match,pattern=\\d+,value=build-42', 'push-branch', ['42', 'latest']],
    ['type=match,pattern=\\d+', 'push-branch', []],
    ['type=pep440,pattern={{version}}', 'tag 1.2.3rc1', ['1.2.3rc1']],
    ['type=pep440,pattern={{major}}.{{minor}}', 'tag 1.2.3rc1', ['1.2.3rc1']],
    ['type=pep440,pattern={{major}}.{{minor}}', 'tag v1.2.3', ['1.2', 'latest']],
    ['type=pep440,pattern={{version}}', 'tag 1.2.3.post1', ['1.2.3.post1']],
    ['type=pep440,pattern={{version}}', 'tag 1.2.3.dev0', ['1.2.3.dev0']],
    ['type=pep440,pattern={{raw}}', 'tag v1.2.3', ['v1.2.3', 'latest']],
    ['type=pep440,pattern={{version}}', 'tag not-a-version', []],
    ['type=semver,pattern={{version}},match=v(\\d.*)', 'tag app/v1.2.3', ['1.2.3', 'latest']],
    ['type=semver,pattern={{major}},match=release-(.*)', 'tag release-2.0.0', ['2', 'latest']],
    ['type=semver,pattern={{version}},match=^x-(.*)', 'tag 1.2.3', ['1.2.3', 'latest']]
  ])('%s on %s', (rule, on, expected) => {
    const s = on.startsWith('tag ') ? tagPush(on.slice(4)) : scenario(on);
    expect(tagsOn(s, { tags: [rule] })).toEqual(expected);
  });

  test('a rule that matches nothing says so in the warnings', () => {
    const plan = makePlan(
      settings({ tags: ['type=match,pattern=v(\\d),group=2', 'type=pep440,pattern={{version}}'] }),
      eventOf(tagPush('v1.2.3')),
      NOW,
      { libraries: LIBRARIES }
    );
    expect(plan.warnings[0]).toContain('group 2 does not exist in v(\\d)');
    expect(plan.tagNames).toEqual(['1.2.3', 'latest']);
  });

  test.each([
    ['type=match', /type=match needs pattern=/],
    ['type=match,pattern=(', /pattern= is not a valid regular expression/],
    ['type=match,pattern=x,group=one', /group must be a number, got "one"/],
    ['type=semver,pattern={{version}},match=[', /match= is not a valid regular expression/],
    ['type=pep440', /type=pep440 needs pattern=/]
  ])('%s is refused before anything runs', (rule, message) => {
    expect(() => tags('push-branch', { tags: [rule] })).toThrow(message);
  });
});

describe('expressions and environment', () => {
  test.each([
    ['push-branch', ['master-false']],
    ['push-feature-branch', ['feature-Login_v2-true']]
  ])('{{is_not_default_branch}} on %s', (kind, expected) => {
    expect(tags(kind, { tags: ['type=raw,value={{branch}}-{{is_not_default_branch}}'] })).toEqual(expected);
  });

  test('DOCKER_METADATA_SHORT_SHA_LENGTH sets {{sha}} and type=sha; longer than the SHA gives all of it', () => {
    expect(
      tags('push-branch', { shortShaLength: 12, tags: ['type=sha', 'type=raw,value=b-{{sha}}'] })
    ).toEqual(['b-6113728f27ae', 'sha-6113728f27ae']);
    expect(tags('push-branch', { shortShaLength: 99, tags: ['type=sha'] })).toEqual([`sha-${PUSH_SHA}`]);
  });

  test('labels and annotations: OCI keys, yours added, expressions rendered, levels prefixed', () => {
    const plan = makePlan(
      settings({
        labels: { 'com.example.branch': '{{branch}}' },
        annotations: { 'com.example.sha': '{{sha}}', 'index:com.example.only': 'index' },
        annotationLevels: ['manifest', 'index']
      }),
      eventOf(scenario('push-branch')),
      NOW,
      { libraries: LIBRARIES }
    );
    expect(plan.labels).toContain('com.example.branch=master');
    expect(plan.labels).not.toContain('com.example.sha=6113728');
    expect(plan.annotations).toContain('manifest:com.example.sha=6113728');
    expect(plan.annotations).toContain('index:com.example.sha=6113728');
    expect(plan.annotations).toContain('manifest:org.opencontainers.image.version=master');
    expect(plan.annotations.filter(a => a.includes('com.example.only'))).toEqual([
      'index:com.example.only=index'
    ]);
  });
});

describe('look-ups the payload cannot answer, served by the fake GitHub API', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub();
    process.env.GITHUB_API_URL = github.url;
  });
  afterEach(async () => {
    delete process.env.GITHUB_API_URL;
    await github.close();
  });
  const run = (kind: string, extra: Partial<PlanSettings>) =>
    planStage(settings({ githubToken: 'ghs_installation', ...extra }), eventOf(scenario(kind)), NOW);
  const asked = () => github.requests.map(r => r.operation);

  test('{{commit_date}} on a pull request asks for the head commit once, however many rules use it', async () => {
    github.commits[PR_HEAD_SHA] = '2026-11-20T08:09:10Z';
    const plan = await run('pull_request-opened', {
      tags: ["type=raw,value={{commit_date 'YYYYMMDD'}}", "type=raw,value=pr-{{commit_date 'HHmm'}}"],
      labels: { 'com.example.built': "{{commit_date 'YYYY'}}" }
    });
    expect(plan.tagNames).toEqual(['20261120', 'pr-0809']);
    expect(asked()).toEqual(['GET /repos/{owner}/{repo}/commits/{ref}']);
    expect(github.requests[0].path).toBe(`/repos/Codertocat/Hello-World/commits/${PR_HEAD_SHA}`);
    expect(github.rejected()).toEqual([]);
  });

  test('{{commit_date}} on a release asks the API; on a push the payload answers and nothing is asked', async () => {
    github.commits[PUSH_SHA] = '2026-01-02T03:04:05Z';
    const rule = { tags: ["type=raw,value={{commit_date 'YYYY-MM-DD'}}"] };
    expect((await run('release-published', rule)).tagNames).toEqual(['2026-01-02']);
    expect(asked()).toHaveLength(1);
    expect((await run('push-branch', rule)).tagNames).toEqual(['2019-05-15']);
    expect(asked()).toHaveLength(1);
  });

  test('on a schedule the default branch comes from the API: type=edge and {{is_default_branch}} work', async () => {
    github.repos['Codertocat/Hello-World'] = { default_branch: 'master' };
    const plan = await run('schedule', {
      tags: ['type=edge', 'type=raw,value=nightly,enable={{is_default_branch}}']
    });
    expect(plan.tagNames).toEqual(['edge', 'nightly']);
    expect(asked()).toEqual(['GET /repos/{owner}/{repo}']);
  });

  test('rules that need nothing from the API make no request and load no date library', async () => {
    const plan = await run('schedule', {
      tags: ['type=edge,branch=master', "type=schedule,pattern={{date 'YYYY'}}"]
    });
    expect(plan.tagNames).toEqual(['2026', 'edge']);
    expect(asked()).toEqual([]);
    expect(
      needsOf(settings({ tags: ["type=schedule,pattern={{date 'YYYY'}}"] }), eventOf(scenario('push-branch')))
    ).toEqual({
      dates: false,
      pep440: false,
      semver: false,
      defaultBranch: false,
      commitDate: false
    });
  });

  test('semver is loaded only when a semver rule has a version to read: a git tag, the version input or value=', () => {
    const needsSemver = (kind: string, extra: Partial<PlanSettings> = {}) =>
      needsOf(settings(extra), eventOf(scenario(kind))).semver;
    expect(needsSemver('push-branch')).toBe(false);
    expect(needsSemver('pull_request-opened')).toBe(false);
    expect(needsSemver('tag-v1.2.3')).toBe(true);
    expect(needsSemver('push-branch', { version: '2.0.0' })).toBe(true);
    expect(needsSemver('push-branch', { tags: ['type=semver,pattern={{version}},value=3.1.0'] })).toBe(true);
    expect(needsSemver('tag-v1.2.3', { tags: ['type=ref,event=tag'] })).toBe(false);
  });

  test('a token that cannot read falls back with a warning: the current time, no default branch', async () => {
    github.fail({ method: 'GET', path: /\/commits\//, status: 403, times: 1 });
    github.fail({ method: 'GET', path: /^\/repos\/[^/]+\/[^/]+$/, status: 404, times: 1 });
    const plan = await run('schedule', {
      tags: ['type=edge', "type=raw,value=c{{commit_date 'YYYYMMDD'}}"]
    });
    expect(plan.tagNames).toEqual(['c20261122']);
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /default branch of Codertocat\/Hello-World .*HTTP 404.*type=edge without branch=/
        ),
        expect.stringMatching(
          /date of commit 6113728f27ae .*HTTP 403.*\{\{commit_date\}\} uses the current time/
        )
      ])
    );
  });

  test('without a token nothing is asked and the run says why it fell back', async () => {
    const plan = await run('schedule', { githubToken: '', tags: ['type=edge', 'type=raw,value=x'] });
    expect(plan.tagNames).toEqual(['x']);
    expect(plan.warnings[0]).toMatch(/default branch .* \(no github-token\)/);
    expect(asked()).toEqual([]);
  });
});
