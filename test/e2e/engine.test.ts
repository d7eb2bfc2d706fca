import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { RegistryClient } from '../../src/registry/client.js';
import { runAction, standInEnv, STANDIN_INPUTS, type ActionRun } from '../helpers/action.js';
import {
  BUSYBOX,
  ROOT,
  docker,
  engineStore,
  ensureDocker,
  removeImages,
  startRegistry,
  type Registry
} from '../helpers/docker.js';
import { TWO_PLATFORMS, context } from '../helpers/dockerfiles.js';
import { scenario } from '../helpers/events.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { DB_PASSWORD, GITHUB_TOKEN, SMOKE_SECRET_ENV, expectNothingLeaked } from '../helpers/leaks.js';
import { PASSWORD, USER } from '../helpers/auth.js';

// Runs on both Docker 28 engines; what differs between the classic and the containerd image
// store is asserted for the store the engine has.
const STORE = await engineStore();
let registry: Registry;
let other: Registry;
let gh: FakeGitHub;
let work: string;

beforeAll(async () => {
  await ensureDocker();
  [registry, other, gh] = await Promise.all([startRegistry(), startRegistry(), startFakeGitHub()]);
  work = await mkdtemp(path.join(ROOT, 'test/.tmp-engine-'));
}, 300000);
afterAll(async () => {
  expect(gh.rejected()).toEqual([]);
  await Promise.all([registry.stop(), other.stop(), gh.close()]);
  await rm(work, { recursive: true, force: true });
  await removeImages('127.0.0.1:*/engine/*');
});

/** A small web app whose first RUN depends on a nonce, so no other build shares its cache. */
const app = (name: string): Promise<string> =>
  context(
    path.join(work, name),
    [
      `FROM ${BUSYBOX}`,
      'ARG NONCE',
      'RUN echo "$NONCE" > /nonce && head -c 1000000 /dev/urandom > /blob',
      'RUN echo ok > /www/index.html',
      'COPY app.txt /app.txt',
      'EXPOSE 8080',
      'HEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:8080/',
      'USER 65534',
      'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]'
    ],
    { 'app.txt': 'v1\n' }
  );

/** One run on a push to the default branch, with secrets in its inputs that must not leak. */
async function ship(
  dir: string,
  images: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const s = scenario('push-branch');
  const sent = gh.requests.length;
  const run = await runAction({
    inputs: {
      context: path.relative(ROOT, dir),
      images,
      'build-args': `NONCE=${randomBytes(8).toString('hex')}`,
      'lint-fail-on': 'none',
      // These registries take anyone; the login still happens, with a password to keep hidden.
      username: USER,
      password: PASSWORD,
      'github-token': GITHUB_TOKEN,
      'smoke-env': SMOKE_SECRET_ENV,
      ...STANDIN_INPUTS,
      ...inputs
    },
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { ...standInEnv(work), GITHUB_API_URL: gh.url, ...env }
  });
  await expectNothingLeaked(
    run,
    [PASSWORD, GITHUB_TOKEN, DB_PASSWORD],
    gh.requests.slice(sent).map(r => r.body)
  );
  return run;
}

const clientOf = (r: Registry, repo: string) =>
  new RegistryClient({ registry: r.host, repository: repo }, undefined);
const errors = (run: ActionRun) => run.stdout.split('\n').filter(l => l.startsWith('::error'));

/** The local image gone and the build cache empty: a fresh runner, but for its base images. */
async function coldDaemon(...images: string[]): Promise<void> {
  for (const image of images) await removeImages(image);
  await docker(['builder', 'prune', '--all', '--force']);
}

describe(`the digest you deploy is the one that was gated (${STORE} image store)`, () => {
  test('every tag on both image names resolves to the digest output, which holds the gated image', async () => {
    const dir = await app('truth');
    const names = [`${registry.host}/engine/truth`, `${other.host}/engine/truth`];
    const run = await ship(dir, names.join('\n'));
    expect(errors(run)).toEqual([]);
    expect(run.outputs.pushed).toBe('true');
    const digest = run.outputs.digest;
    for (const [r, name] of [
      [registry, names[0]],
      [other, names[1]]
    ] as const) {
      for (const tag of ['master', 'sha-6113728'])
        expect(await clientOf(r, 'engine/truth').digest(tag)).toBe(digest);
      expect(run.summary).toContain(`docker pull ${name}@${digest}`);
    }
    // The gated image is the local one: its index digest on containerd, its config in the manifest on classic.
    if (STORE === 'containerd') expect(digest).toBe(run.outputs['image-id']);
    else expect(await clientOf(registry, 'engine/truth').configDigest(digest)).toBe(run.outputs['image-id']);
  });

  test('pushing the same image again is not a release conflict', async () => {
    const dir = await app('again');
    const image = `${registry.host}/engine/again`;
    const first = await ship(dir, image, { version: '1.0.0', 'build-args': 'NONCE=fixed' });
    expect(first.exitCode).toBe(0);
    const again = await ship(dir, image, { version: '1.0.0', 'build-args': 'NONCE=fixed', labels: '' });
    expect(errors(again)).toEqual([]);
  });
});

describe(`build cache from the registry (${STORE} image store)`, () => {
  test('a cold daemon reuses every step from the cache of the earlier push, and says so', async () => {
    const dir = await app('cache');
    const image = `${registry.host}/engine/cache`;
    const nonce = `NONCE=${randomBytes(8).toString('hex')}`;
    const first = await ship(dir, image, { 'build-args': nonce, scan: 'false', 'smoke-test': 'false' });
    expect(first.exitCode).toBe(0);
    const saved = STORE === 'containerd' ? `${image}:buildcache-master` : `${image}:master`;
    if (STORE === 'containerd') expect(first.summary).toContain(`saved to \`${saved}\``);
    await coldDaemon(`${image}*`);
    const second = await ship(dir, image, { 'build-args': nonce, scan: 'false', 'smoke-test': 'false' });
    expect(second.exitCode).toBe(0);
    // The build log: the import worked, and every step of the Dockerfile came from it.
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const vertex = (title: string) => new RegExp(`#(\\d+) ${escape(title)}`).exec(second.stdout)?.[1];
    const imported = vertex(`importing cache manifest from ${saved}`);
    expect(second.stdout).toContain(`#${imported} DONE`);
    expect(second.stdout).not.toContain(`#${imported} ERROR`);
    // Each step is CACHED, or (BuildKit's report of a COPY loaded from the cache) only pulled its layers.
    for (const step of ['[2/4] RUN echo', '[3/4] RUN echo ok', '[4/4] COPY app.txt']) {
      const lines = second.stdout.split('\n').filter(l => l.startsWith(`#${vertex(step)} `));
      expect(lines.filter(l => !/^#\d+ (\[|(pulling )?sha256:[0-9a-f]{64}\b|DONE |CACHED$)/.test(l))).toEqual(
        []
      );
      expect(lines.some(l => /^#\d+ (CACHED$|(pulling )?sha256:)/.test(l))).toBe(true);
    }
    expect(second.summary).toContain(`3 of 3 steps cached from \`${saved}\``);
  });

  test('a missing cache warns and builds', async () => {
    const dir = await app('missing');
    const run = await ship(dir, `${registry.host}/engine/missing`, {
      'cache-from': `type=registry,ref=${registry.host}/engine/nothing-here:cache`,
      scan: 'false',
      'smoke-test': 'false'
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `::warning::Build cache ${registry.host}/engine/nothing-here:cache could not be read (not found): building without it`
    );
  });

  test('a cache export that cannot be written warns and builds without it', async () => {
    const run = await ship(await app('export'), `${registry.host}/engine/export`, {
      'cache-to': 'type=local,dest=/proc/shipshape-cannot-write,mode=max',
      scan: 'false',
      'smoke-test': 'false'
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      STORE === 'containerd'
        ? /::warning::Build cache export failed \(.*\/proc\/shipshape-cannot-write.*\): building without exporting cache/
        : /::warning::Build cache not used: type=local,dest=\/proc\/shipshape-cannot-write,mode=max: the docker driver on the classic image store exports inline cache only/
    );
  });

  test('a failed gate writes nothing to the registry, not even the build cache', async () => {
    // alpine-310 has 4 MEDIUM findings: fail-on MEDIUM fails the scan gate after a full build.
    const run = await ship(await app('gated'), `${registry.host}/engine/gated`, { 'fail-on': 'MEDIUM' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Build with BuildKit via docker buildx');
    expect(registry.log()).not.toMatch(/"(PUT|POST|PATCH|DELETE) \/v2\/engine\/gated\//);
  });
});

const twoPlatformApp = (): Promise<string> => context(path.join(work, 'multi'), TWO_PLATFORMS);

interface Index {
  annotations?: Record<string, string>;
  manifests: {
    digest: string;
    platform: { os: string; architecture: string };
    annotations?: Record<string, string>;
  }[];
}
const indexOf = async (repo: string, reference: string): Promise<Index> =>
  JSON.parse((await clientOf(registry, repo).manifest(reference))?.bytes.toString() ?? '{}') as Index;
const attestations = (index: Index) =>
  (index.manifests ?? []).filter(
    m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
  );

if (STORE === 'containerd') {
  describe('multi-platform and attestations on the containerd image store', () => {
    test('linux/amd64 + linux/arm64: one index pushed whole, native smoke test, every platform scanned, annotated', async () => {
      const log = path.join(work, 'trivy-multi.log');
      const run = await ship(
        await twoPlatformApp(),
        `${registry.host}/engine/multi`,
        { platforms: 'linux/amd64,linux/arm64', annotations: 'com.example.team=ships' },
        { TRIVY_STANDIN_LOG: log, DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index' }
      );
      expect(errors(run)).toEqual([]);
      expect(run.outputs).toMatchObject({ pushed: 'true', health: 'healthy' });
      const index = await indexOf('engine/multi', 'master');
      expect(
        index.manifests
          .filter(m => m.platform.os === 'linux')
          .map(m => m.platform.architecture)
          .sort()
      ).toEqual(['amd64', 'arm64']);
      expect(await clientOf(registry, 'engine/multi').digest('master')).toBe(run.outputs.digest);
      const scans = (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l) as string[])
        .filter(a => a[0] === 'image' && !a.includes('--download-db-only'));
      expect(scans.map(a => a[a.indexOf('--platform') + 1]).sort()).toEqual(['linux/amd64', 'linux/arm64']);
      expect(run.summary).toContain('`linux/amd64`, `linux/arm64`');
      // The annotations output is what the pushed index and each image manifest carry.
      const wanted = { 'com.example.team': 'ships', 'org.opencontainers.image.version': 'master' };
      expect(index.annotations).toMatchObject(wanted);
      const image = index.manifests.find(m => m.platform.architecture === 'arm64');
      expect((await indexOf('engine/multi', image?.digest ?? '')).annotations).toMatchObject(wanted);
      expect(run.outputs.annotations.split('\n')).toEqual(
        expect.arrayContaining([
          'index:com.example.team=ships',
          'manifest:org.opencontainers.image.version=master'
        ])
      );
    });

    test.each([
      ['', 1],
      ['false', 0],
      ['mode=max', 1]
    ])('provenance "%s": %d attestation manifest(s) in the pushed index', async (provenance, count) => {
      const repo = `engine/prov-${provenance.replace(/\W/g, '') || 'default'}`;
      const run = await ship(await app(repo.split('/')[1]), `${registry.host}/${repo}`, {
        provenance,
        scan: 'false',
        'smoke-test': 'false'
      });
      if (run.exitCode) console.log(errors(run));
      expect(run.exitCode).toBe(0);
      expect(attestations(await indexOf(repo, 'master'))).toHaveLength(count);
      expect(run.summary).toContain(
        count
          ? `provenance (mode=${provenance === 'mode=max' ? 'max' : 'min'})`
          : 'no provenance: provenance is false'
      );
    });
  });
} else {
  describe('multi-platform and attestations on the classic image store', () => {
    test('two platforms fail before building, naming both ways out; nothing is written', async () => {
      const run = await ship(await twoPlatformApp(), `${registry.host}/engine/multi`, {
        platforms: 'linux/amd64,linux/arm64'
      });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(
        /input "platforms" \(linux\/amd64, linux\/arm64\) needs a builder that can hold a multi-platform image.*containerd-snapshotter.*docker\/setup-buildx-action/
      );
      expect(run.stdout).not.toContain('Build with');
      expect(registry.log()).not.toMatch(/\/v2\/engine\/multi\//);
    });

    test('no provenance by default, and the summary says why; mode=min is refused before building', async () => {
      const dir = await app('prov');
      const run = await ship(dir, `${registry.host}/engine/prov`, { scan: 'false', 'smoke-test': 'false' });
      expect(run.exitCode).toBe(0);
      expect(await clientOf(registry, 'engine/prov').manifest('master')).toMatchObject({
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json'
      });
      expect(run.summary).toContain(
        'no provenance: the classic image store with the docker driver cannot hold attestations'
      );
      expect(run.stdout).toContain(
        'Annotations not on the image: the classic image store keeps no manifest annotations'
      );
      const refused = await ship(dir, `${registry.host}/engine/prov`, { provenance: 'mode=min' });
      expect(refused.exitCode).toBe(1);
      expect(errors(refused).join('\n')).toContain(
        'input "provenance" (mode=min) needs a builder that can attach attestations'
      );
    });
  });
}
