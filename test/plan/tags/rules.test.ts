import { describe, expect, test } from '@jest/globals';
import { makePlan, type PlanSettings } from '../../../src/plan/index.js';
import { parseRules } from '../../../src/plan/tags/rules.js';
import { sanitizeTag } from '../../../src/plan/tags/index.js';
import { eventOf, LIBRARIES, PLAN_DEFAULTS, scenario } from '../../helpers/events.js';

const NOW = new Date('2026-11-22T23:30:00.000Z');
const planFor = (kind: string, tags: string[], extra: Partial<PlanSettings> = {}) =>
  makePlan({ ...PLAN_DEFAULTS, images: ['ghcr.io/acme/app'], tags, ...extra }, eventOf(scenario(kind)), NOW, {
    libraries: LIBRARIES
  });
const tagsFor = (kind: string, tags: string[], extra: Partial<PlanSettings> = {}) =>
  planFor(kind, tags, extra).tagNames;

describe('type=semver', () => {
  test.each([
    ['{{version}}', 'tag-v1.2.3', ['1.2.3', 'latest']],
    ['{{major}}.{{minor}}', 'tag-v1.2.3', ['1.2', 'latest']],
    ['{{major}}', 'tag-v1.2.3', ['1', 'latest']],
    ['{{patch}}', 'tag-v1.2.3', ['3', 'latest']],
    ['{{raw}}', 'tag-v1.2.3', ['v1.2.3', 'latest']],
    ['v{{major}}.{{minor}}.{{patch}}', 'tag-1.2.3', ['v1.2.3', 'latest']],
    ['{{raw}}', 'tag-v2.0.0-rc.1', ['v2.0.0-rc.1']],
    ['{{major}}', 'tag-v2.0.0-rc.1', ['2.0.0-rc.1']],
    ['{{version}}', 'push-branch', []]
  ])('pattern=%s on %s', (pattern, kind, expected) => {
    expect(tagsFor(kind, [`type=semver,pattern=${pattern}`])).toEqual(expected);
  });

  test('value= gives the version on any event', () => {
    expect(tagsFor('push-branch', ['type=semver,pattern={{major}}.{{minor}},value=3.4.5'])).toEqual([
      '3.4',
      'latest'
    ]);
  });

  test('prefix and suffix wrap the rendered pattern', () => {
    expect(tagsFor('tag-v1.2.3', ['type=semver,pattern={{version}},prefix=v,suffix=-alpine'])).toEqual([
      'v1.2.3-alpine',
      'latest'
    ]);
  });
});

describe('type=ref', () => {
  test.each([
    ['event=branch', 'push-feature-branch', ['feature-Login_v2']],
    ['event=branch', 'tag-v1.2.3', []],
    ['event=tag', 'tag-v1.2.3', ['v1.2.3', 'latest']],
    ['event=tag', 'tag-simple', ['simple-tag', 'latest']],
    ['event=pr', 'pull_request-opened', ['pr-2']],
    ['event=pr,prefix=pull-', 'pull_request-opened', ['pull-2']],
    ['event=pr', 'push-branch', []]
  ])('%s on %s', (attrs, kind, expected) => {
    expect(tagsFor(kind, [`type=ref,${attrs}`])).toEqual(expected);
  });
});

describe('type=sha', () => {
  test.each([
    ['type=sha', 'push-branch', ['sha-6113728']],
    ['type=sha,format=long', 'push-branch', ['sha-6113728f27ae82c7b1a177c8d03f9e96e0adf246']],
    ['type=sha,prefix=', 'push-branch', ['6113728']],
    ['type=sha,prefix=,suffix=-dev', 'push-branch', ['6113728-dev']],
    ['type=sha', 'pull_request-opened', ['sha-ec26c3e']]
  ])('%s on %s', (rule, kind, expected) => {
    expect(tagsFor(kind, [rule])).toEqual(expected);
  });
});

describe('type=raw, type=edge, type=schedule', () => {
  test.each([
    ['type=raw,value=stable', 'push-branch', ['stable']],
    ['stable', 'push-branch', ['stable']],
    ['type=raw,value={{branch}}-{{sha}}', 'push-branch', ['master-6113728']],
    ['type=raw,value=latest,enable={{is_default_branch}}', 'push-branch', ['latest']],
    ['type=raw,value=latest,enable={{is_default_branch}}', 'push-feature-branch', []],
    ["type=raw,value=nightly-{{date 'YYYYMMDD'}}", 'push-branch', ['nightly-20261122']],
    ["type=raw,value={{date 'YYYY-MM-DD' tz='Asia/Tokyo'}}", 'push-branch', ['2026-11-23']],
    ['type=edge', 'push-branch', ['edge']],
    ['type=edge', 'push-feature-branch', []],
    ['type=edge,branch=feature/Login_v2', 'push-feature-branch', ['edge']],
    ['type=schedule', 'schedule', ['nightly']],
    ["type=schedule,pattern={{date 'YYYYMMDD-HHmm'}}", 'schedule', ['20261122-2330']],
    ['type=schedule', 'push-branch', []]
  ])('%s on %s', (rule, kind, expected) => {
    expect(tagsFor(kind, [rule])).toEqual(expected);
  });

  test('enable=false switches a rule off', () => {
    expect(tagsFor('push-branch', ['type=sha,enable=false', 'type=raw,value=x'])).toEqual(['x']);
  });
});

describe('priority and ordering', () => {
  test('higher priority first; the first tag is the version; latest follows the first rule', () => {
    const p = makePlan(
      {
        ...PLAN_DEFAULTS,
        tags: ['type=sha', 'type=raw,value=first,priority=2000', 'type=semver,pattern={{version}}']
      },
      eventOf(scenario('tag-v1.2.3')),
      NOW,
      { libraries: LIBRARIES }
    );
    expect(p.version).toBe('first');
    // raw (latest=false in auto) produced first, so no latest although semver matched.
    expect(p.tagNames).toEqual(['first', '1.2.3', 'sha-6113728']);
  });

  test('rules of equal priority keep their written order; duplicates are dropped', () => {
    expect(tagsFor('push-branch', ['type=raw,value=b', 'type=raw,value=a', 'type=raw,value=b'])).toEqual([
      'b',
      'a'
    ]);
  });

  test('comments and blank lines in the tags input are ignored', () => {
    expect(parseRules(['# main tags', '', 'type=sha'])).toHaveLength(1);
  });
});

describe('branch names become valid Docker tags', () => {
  test.each([
    ['feature/Login_v2', 'feature-Login_v2'],
    ['fix/#12 crash!', 'fix-12-crash-'],
    ['-leading-dash', 'leading-dash'],
    ['..dots', 'dots'],
    ['a'.repeat(200), 'a'.repeat(128)],
    ['dependabot/npm_and_yarn/semver-7.5.2', 'dependabot-npm_and_yarn-semver-7.5.2']
  ])('%s → %s', (branch, tag) => {
    expect(sanitizeTag(branch)).toBe(tag);
    expect(tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });
});

describe('invalid rules and images are clear errors naming the input', () => {
  test.each([
    ['type=bogus', /input "tags": rule "type=bogus": unknown type "bogus"/],
    ['type=semver', /type=semver needs pattern=/],
    ['type=ref', /type=ref needs event=/],
    ['type=ref,event=commit', /type=ref needs event=branch/],
    ['type=sha,format=medium', /format must be short or long/],
    ['type=raw,value=x,enable=maybe', /enable must be true or false/],
    ['type=raw,value={{nope}}', /unknown expression \{\{nope\}\}/],
    ['type=sha,pattern=x', /attribute "pattern" does not apply to type=sha/],
    ['type=raw,value=x,priority=high', /priority must be a number/],
    ['type=raw,value="unterminated', /unterminated double quote/]
  ])('%s', (rule, message) => {
    expect(() => tagsFor('push-branch', [rule])).toThrow(message);
  });

  test.each([
    ['ghcr.io/acme/app:1.0', /carries a tag or digest/],
    ['ghcr.io/acme/app@sha256:abc', /carries a tag or digest/],
    ['ghcr.io/acme/my app', /is not a valid image name/],
    ['ghcr.io/acme/-app', /is not a valid image name/]
  ])('image %s', (image, message) => {
    expect(() => tagsFor('push-branch', ['type=sha'], { images: [image] })).toThrow(message);
  });

  test('image names are lowercased and may carry a registry port', () => {
    const p = planFor('push-branch', ['type=sha'], { images: ['LOCALHOST:5000/Acme/App, ghcr.io/acme/app'] });
    expect(p.images).toEqual(['localhost:5000/acme/app', 'ghcr.io/acme/app']);
  });

  test('metadata-action style name=/enable= image lines', () => {
    const p = planFor('push-branch', ['type=sha'], {
      images: ['name=ghcr.io/acme/app', 'name=docker.io/acme/app,enable=false']
    });
    expect(p.images).toEqual(['ghcr.io/acme/app']);
  });
});
