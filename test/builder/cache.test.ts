import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { capabilities } from '../../src/builder/detect.js';
import {
  cacheArg,
  cacheExports,
  inlineHoldsAll,
  planCache,
  type CacheSettings
} from '../../src/builder/cache.js';
import { cacheUse } from '../../src/builder/log/cache-use.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { parseCacheSpec } from '../../src/action/inputs/input-values.js';
import { makePlan } from '../../src/plan/index.js';
import { ROOT } from '../helpers/docker.js';
import { builder } from '../helpers/dockerfiles.js';
import { eventOf, PLAN_DEFAULTS, scenario, LIBRARIES } from '../helpers/events.js';

const CLASSIC = capabilities(builder(), []);
const CONTAINERD = capabilities(builder({ store: 'containerd' }), []);
const settings = (extra: Partial<CacheSettings> = {}): CacheSettings => ({
  cache: true,
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  ...extra
});
const planOf = (kind: string) =>
  makePlan(
    { ...PLAN_DEFAULTS, images: ['ghcr.io/acme/app'] },
    eventOf(scenario(kind)),
    new Date('2026-11-24T00:00:00Z'),
    { libraries: LIBRARIES }
  );
const args = (specs: { type: string; attrs: Record<string, string> }[]) =>
  specs.map(s => cacheArg(s as never));

describe('cache scopes from the event', () => {
  test.each([
    ['push-branch', 'master', ['master']],
    ['push-feature-branch', 'feature-Login_v2', ['feature-Login_v2', 'master']],
    ['pull_request-opened', 'pr-2', ['pr-2', 'master']],
    ['tag-v1.2.3', undefined, ['master']]
  ])('%s saves to %s and reads %j', (kind, own, nearest) => {
    expect(planOf(kind).cache).toEqual({ export: own, import: nearest });
  });

  test("a platform job's scopes end in its platform: the jobs of one build never overwrite each other's cache", () => {
    const plan = (platform: string) =>
      makePlan(
        { ...PLAN_DEFAULTS, images: ['ghcr.io/acme/app'], mode: 'platform', platforms: [platform] },
        eventOf(scenario('pull_request-opened')),
        new Date('2026-11-24T00:00:00Z'),
        { libraries: LIBRARIES }
      );
    expect(plan('linux/arm64').cache).toEqual({
      export: 'pr-2-linux-arm64',
      import: ['pr-2-linux-arm64', 'master-linux-arm64']
    });
    expect(plan('linux/amd64').cache.export).toBe('pr-2-linux-amd64');
    const c = planCache(settings(), CONTAINERD, plan('linux/arm64'), true, '/w');
    expect(c.uploads).toEqual([{ dir: '/w/cache-0', ref: 'ghcr.io/acme/app:buildcache-pr-2-linux-arm64' }]);
  });
});

describe('the default cache (no cache-from / cache-to)', () => {
  test('classic store: inline cache, read from the branch and default-branch tags', () => {
    const c = planCache(settings(), CLASSIC, planOf('pull_request-opened'), true, '/w');
    expect(args(c.from)).toEqual([
      'type=registry,ref=ghcr.io/acme/app:pr-2',
      'type=registry,ref=ghcr.io/acme/app:master'
    ]);
    expect(args(c.to)).toEqual(['type=inline']);
    expect(c.uploads).toEqual([]);
  });

  test('containerd store: a registry cache per branch, written locally and uploaded after the gates', () => {
    const c = planCache(settings(), CONTAINERD, planOf('push-feature-branch'), true, '/w');
    expect(args(c.from)).toEqual([
      'type=registry,ref=ghcr.io/acme/app:buildcache-feature-Login_v2',
      'type=registry,ref=ghcr.io/acme/app:buildcache-master'
    ]);
    expect(args(c.to)).toEqual(['type=local,mode=max,dest=/w/cache-0']);
    expect(c.uploads).toEqual([{ dir: '/w/cache-0', ref: 'ghcr.io/acme/app:buildcache-feature-Login_v2' }]);
    expect(cacheExports(c)).toEqual(['type=registry,ref=ghcr.io/acme/app:buildcache-feature-Login_v2']);
  });

  test('containerd store, inline cache holding every step: the pushed image is tagged as the branch cache, nothing exported', () => {
    const c = planCache(settings(), CONTAINERD, planOf('push-feature-branch'), true, '/w', true);
    expect(args(c.from)).toEqual([
      'type=registry,ref=ghcr.io/acme/app:buildcache-feature-Login_v2',
      'type=registry,ref=ghcr.io/acme/app:buildcache-master'
    ]);
    expect(args(c.to)).toEqual(['type=inline']);
    expect(c.uploads).toEqual([{ ref: 'ghcr.io/acme/app:buildcache-feature-Login_v2' }]);
    expect(cacheExports(c)).toEqual([
      'type=inline',
      'type=registry,ref=ghcr.io/acme/app:buildcache-feature-Login_v2'
    ]);
  });

  test('a run that pushes a release tag exports its cache, even where inline cache would hold every step', () => {
    const branch = planOf('push-branch');
    const release = {
      ...branch,
      tagNames: [...branch.tagNames, '1.0.0'],
      semver: { '1.0.0': { version: '1.0.0', scope: 'full' as const, prefix: '', suffix: '' } }
    };
    const c = planCache(settings(), CONTAINERD, release, true, '/w', true);
    expect(args(c.to)).toEqual(['type=local,mode=max,dest=/w/cache-0']);
    expect(c.uploads).toEqual([{ dir: '/w/cache-0', ref: 'ghcr.io/acme/app:buildcache-master' }]);
  });

  test('inline cache changes nothing on the classic store, for a run that does not push, or with cache-to given', () => {
    const classic = planCache(settings(), CLASSIC, planOf('push-branch'), true, '/w', true);
    expect(classic).toEqual(planCache(settings(), CLASSIC, planOf('push-branch'), true, '/w'));
    expect(planCache(settings(), CONTAINERD, planOf('pull_request-fork'), false, '/w', true)).toMatchObject({
      to: [],
      uploads: []
    });
    const given = settings({ cacheTo: [{ type: 'registry', attrs: { ref: 'r.example/c:x' } }] });
    expect(planCache(given, CONTAINERD, planOf('push-branch'), true, '/w', true).uploads).toEqual([
      { dir: '/w/cache-0', ref: 'r.example/c:x' }
    ]);
  });

  test('a run that does not push reads the cache but saves none', () => {
    const c = planCache(settings(), CONTAINERD, planOf('pull_request-fork'), false, '/w');
    expect(c.from).toHaveLength(2);
    expect(c.to).toEqual([]);
  });

  test('cache: false turns it off; no-cache drops every import', () => {
    expect(planCache(settings({ cache: false }), CLASSIC, planOf('push-branch'), true, '/w')).toMatchObject({
      from: [],
      to: []
    });
    expect(planCache(settings({ noCache: true }), CLASSIC, planOf('push-branch'), true, '/w').from).toEqual(
      []
    );
  });

  test('the classic builder has no cache: given entries are dropped with the reason', () => {
    const c = planCache(
      settings({ cacheFrom: [parseCacheSpec('user/app:cache', 'cache-from')] }),
      capabilities(builder({ kind: 'classic', driver: undefined }), []),
      planOf('push-branch'),
      true,
      '/w'
    );
    expect(c).toMatchObject({ from: [], to: [] });
    expect(c.dropped).toEqual([
      'type=registry,ref=user/app:cache: the classic builder has no cache import or export'
    ]);
  });
});

describe('given cache-from / cache-to', () => {
  const given = settings({
    cacheFrom: [parseCacheSpec('type=gha', 'cache-from')],
    cacheTo: [parseCacheSpec('type=registry,ref=ghcr.io/acme/app:cache,mode=max', 'cache-to')]
  });

  test('replace the default; a registry export is deferred to after the gates', () => {
    const c = planCache(given, CONTAINERD, planOf('push-branch'), true, '/w');
    expect(args(c.from)).toEqual(['type=gha']);
    expect(args(c.to)).toEqual(['type=local,mode=max,dest=/w/cache-0']);
    expect(c.uploads).toEqual([{ dir: '/w/cache-0', ref: 'ghcr.io/acme/app:cache' }]);
  });

  test('on the classic store only inline export exists: others are dropped, naming why', () => {
    const c = planCache(given, CLASSIC, planOf('push-branch'), true, '/w');
    expect(c.to).toEqual([]);
    expect(c.dropped[0]).toMatch(/the docker driver on the classic image store exports inline cache only/);
  });
});

describe("the inputs' grammar (docker/build-push-action)", () => {
  test.each([
    ['user/app:cache', 'type=registry,ref=user/app:cache'],
    ['type=registry,ref=user/app:cache,mode=max', 'type=registry,ref=user/app:cache,mode=max'],
    ['ref=user/app:cache', 'type=registry,ref=user/app:cache'],
    ['type=local,src=/tmp/c', 'type=local,src=/tmp/c'],
    ['type=gha,scope=build-"a,b"', 'type=gha,scope="build-a,b"']
  ])('%s', (line, arg) => {
    expect(cacheArg(parseCacheSpec(line, 'cache-from'))).toBe(arg);
  });

  test.each([
    ['type=nfs,ref=x', 'needs type= one of registry, local, inline, gha, s3, azblob'],
    ['type=registry,mode=max', 'needs ref='],
    ['type=local,src=/x', 'needs dest='],
    ['type=inline,mode=some', 'has mode= other than min or max']
  ])('%s is refused', (line, message) => {
    expect(() => parseCacheSpec(line, 'cache-to')).toThrow(`input "cache-to": "${line}" ${message}`);
  });
});

describe('what the build reused, from real BuildKit logs', () => {
  const log = (name: string) => readFileSync(path.join(ROOT, 'test/builder/logs', name), 'utf8');

  test('a cold build cache fed from the registry: 6 of 6 steps cached, one source missing', () => {
    expect(cacheUse(log('import-hit-and-miss.log'))).toMatchObject({
      steps: 6,
      cached: 6,
      imported: ['127.0.0.1:5055/flask/app:main'],
      missing: [{ ref: '127.0.0.1:5055/flask/app:nope', reason: 'not found' }]
    });
  });

  test('each step in the Dockerfile order, cut to 120 characters, from the imported cache its layers were pulled from', () => {
    const { sources } = cacheUse(log('import-hit-and-miss.log'));
    expect(sources.map(s => s.step.slice(0, 20))).toEqual([
      '[2/7] RUN if ! comma',
      '[3/7] RUN groupadd -',
      '[4/7] WORKDIR /app',
      '[5/7] COPY requireme',
      '[6/7] RUN pip instal',
      '[7/7] COPY server.py'
    ]);
    expect(sources.every(s => s.from === 'imported')).toBe(true);
    expect(Math.max(...sources.map(s => s.step.length))).toBe(120);
  });

  test("steps reused with nothing pulled came from the runner's own cache; the one that ran was built", () => {
    const warm = log('import-hit-and-miss.log')
      .replace(/^#13 pulling .*\n/gm, '')
      .replace('#13 CACHED', '#13 0.052 copied server.py\n#13 DONE 0.1s');
    expect(cacheUse(warm).sources.map(s => s.from)).toEqual([
      'runner',
      'runner',
      'runner',
      'runner',
      'runner',
      'built'
    ]);
  });

  test("a multi-stage build's steps: grouped by stage, each stage's in its own numbering", () => {
    const log = [
      '#7 [final 3/3] COPY app.txt /app.txt',
      '#6 [tools 2/2] RUN make',
      '#6 0.120 built',
      '#6 DONE 0.2s',
      '#5 [final 2/3] COPY --from=tools /out/ /',
      '#5 DONE 0.0s',
      '#7 DONE 0.0s'
    ].join('\n');
    expect(cacheUse(log).sources.map(s => s.step)).toEqual([
      '[final 2/3] COPY --from=tools /out/ /',
      '[final 3/3] COPY app.txt /app.txt',
      '[tools 2/2] RUN make'
    ]);
  });

  test('with no cache answering, every step is built', () => {
    expect(cacheUse(log('local-miss.log')).sources.map(s => s.from)).toEqual(Array(6).fill('built'));
  });

  test('a COPY whose cached layers were pulled under its own step, ending DONE, counts as cached', () => {
    expect(cacheUse(log('cold-copy-layers-pulled.log'))).toMatchObject({ steps: 3, cached: 3 });
  });

  test('a COPY whose cached layers were pulled and unpacked under its own step (containerd store) counts as cached, from the cache', () => {
    const use = cacheUse(log('cold-copy-layers-extracted.log'));
    expect(use).toMatchObject({ steps: 4, cached: 3 });
    expect(use.sources.map(s => `${s.step.slice(0, 24)}: ${s.from}`)).toEqual([
      '[tools 2/2] RUN mkdir -p: imported',
      '[stage-1 1/3] COPY --fro: imported',
      '[stage-1 2/3] COPY app.t: imported',
      '[stage-1 3/3] COPY chang: built'
    ]);
  });

  test('the same on the classic store, where the pulls read "pulling sha256:…"', () => {
    const classic = log('cold-copy-layers-pulled.log').replace(
      /^#9 (sha256:[0-9a-f]{64}) .*$/gm,
      '#9 pulling $1\n#9 pulling $1 0.0s done'
    );
    expect(classic).toContain('#9 pulling sha256:');
    expect(cacheUse(classic)).toMatchObject({ steps: 3, cached: 3 });
  });

  test('a step that printed output of its own is not counted as cached', () => {
    const ran = log('cold-copy-layers-pulled.log').replace(
      '#9 DONE 0.1s',
      '#9 0.052 copied app.txt\n#9 DONE 0.1s'
    );
    expect(cacheUse(ran)).toMatchObject({ steps: 3, cached: 2 });
  });

  test('a local cache that is not there: named, nothing cached', () => {
    expect(cacheUse(log('local-miss.log'))).toMatchObject({
      steps: 6,
      cached: 0,
      imported: [],
      missing: [{ ref: '/tmp/no-such-cache', reason: 'not found' }]
    });
  });
});

describe('whether inline cache holds every step a mode=max export would', () => {
  const one: Parameters<typeof inlineHoldsAll>[1] = { platforms: [], buildArgs: {}, target: '' };
  const holds = (dockerfile: string[], extra: Partial<typeof one> = {}, caps = CONTAINERD) =>
    inlineHoldsAll(parseDockerfile(dockerfile.join('\n')), { ...one, ...extra }, caps);

  test.each([
    ['one stage', ['FROM alpine', 'RUN echo ok', 'COPY . /app']],
    [
      'stages each FROM the one before',
      ['FROM alpine AS base', 'RUN echo ok', 'FROM base AS app', 'COPY . /app']
    ],
    ['a stage the build does not run', ['FROM alpine AS tools', 'RUN make', 'FROM alpine', 'COPY . /app']],
    ['a copy from an image, not a stage', ['FROM alpine', 'COPY --from=busybox:1 /bin/sh /sh']]
  ])('holds them all: %s', (_what, dockerfile) => {
    expect(holds(dockerfile)).toBe(true);
  });

  test.each([
    [
      'a stage copied from',
      ['FROM alpine AS tools', 'RUN make', 'FROM alpine', 'COPY --from=tools /out /out']
    ],
    [
      'a stage mounted',
      ['FROM alpine AS tools', 'FROM alpine', 'RUN --mount=type=bind,from=tools,target=/t ls']
    ],
    [
      'a stage named by an ARG with no value',
      ['ARG SRC', 'FROM alpine AS tools', 'FROM alpine', 'COPY --from=${SRC} /a /a']
    ]
  ])('does not: %s', (_what, dockerfile) => {
    expect(holds(dockerfile)).toBe(false);
  });

  test('the target decides which stages run; two platforms or an OCI layout never hold them all', () => {
    const copied = [
      'FROM alpine AS tools',
      'FROM alpine AS app',
      'COPY --from=tools /a /a',
      'FROM alpine AS lone'
    ];
    expect(holds(copied, { target: 'app' })).toBe(false);
    expect(holds(copied, { target: 'lone' })).toBe(true);
    expect(holds(['FROM alpine'], { platforms: ['linux/amd64', 'linux/arm64'] })).toBe(false);
    expect(holds(['FROM alpine'], { platforms: ['linux/arm64'] })).toBe(true);
    const container = capabilities(builder({ driver: 'docker-container' }), ['linux/amd64', 'linux/arm64']);
    expect(holds(['FROM alpine'], { platforms: ['linux/arm64'] }, container)).toBe(false);
  });
});
