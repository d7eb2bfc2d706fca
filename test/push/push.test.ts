import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makePlan } from '../../src/plan/index.js';
import { pushImages } from '../../src/push/index.js';
import { login } from '../../src/push/login.js';
import { RegistryClient } from '../../src/registry/client.js';
import { PASSWORD, USER, htpasswdAuth, tokenServer } from '../helpers/auth.js';
import {
  BUSYBOX,
  buildTestImage,
  cuttingRelay,
  docker,
  engineStore,
  ensureDocker,
  removeImages,
  startRegistry,
  waitFor,
  type Registry
} from '../helpers/docker.js';
import { eventOf, PLAN_DEFAULTS, scenario, LIBRARIES } from '../helpers/events.js';
import { captureStdout } from '../helpers/runner-log.js';
import type { Plan } from '../../src/plan/contract.js';
import type { PushResult } from '../../src/push/contract.js';

const SOURCE = 'shipshape-push.local/source';
let work: string;
let imageA: string;
let imageB: string;

beforeAll(async () => {
  await ensureDocker();
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-push-'));
  process.env.RUNNER_TEMP = work;
  process.env.SHIPSHAPE_RETRY_BASE_MS = '500';
  // Two images with distinct content; A has a 24 MB layer so a push takes a moment.
  imageA = await buildTestImage(
    `${SOURCE}:a`,
    `FROM ${BUSYBOX}\nRUN head -c 25165824 /dev/urandom > /blob\nRUN echo a > /id\n`
  );
  imageB = await buildTestImage(`${SOURCE}:b`, `FROM ${BUSYBOX}\nRUN echo b > /id\n`);
}, 300000);
afterAll(async () => {
  await removeImages('127.0.0.1:*/acme/*');
  await removeImages(`${SOURCE}*`);
  await rm(work, { recursive: true, force: true });
});

/** The plan of a branch push with an explicit version: 6 tags (X.Y.Z, X.Y, X, branch, sha, latest). */
async function planFor(
  registry: Pick<Registry, 'host'>,
  repo: string,
  version: string,
  image: string
): Promise<Plan> {
  const plan = makePlan(
    { ...PLAN_DEFAULTS, images: [`${registry.host}/${repo}`], version },
    eventOf(scenario('push-branch')),
    new Date(),
    { libraries: LIBRARIES }
  );
  for (const ref of plan.tags) await docker(['tag', image, ref]);
  return plan;
}

/** A local image as the build stage hands it over: on containerd, its digest and its platform's manifest. */
async function builtImage(imageId: string) {
  if ((await engineStore()) === 'classic') return { imageId };
  const manifest = await docker([
    'image',
    'inspect',
    '--platform',
    'linux/amd64',
    '--format',
    '{{.Id}}',
    imageId
  ]);
  return { imageId, digest: imageId, manifests: [manifest] };
}

const push = async (
  plan: Plan,
  imageId: string,
  extra: Partial<Parameters<typeof pushImages>[0]> = {}
): Promise<PushResult> =>
  pushImages({
    plan,
    build: await builtImage(imageId),
    policy: { push: true, reason: 'test' },
    overwriteReleaseTags: false,
    ...extra
  });

interface Blob {
  digest: string;
  size: number;
}

/** Every blob (configs, layers) a tag holds, through an index when the store pushed one. */
async function blobsOf(client: RegistryClient, reference: string): Promise<Blob[]> {
  const stored = await client.manifest(reference);
  if (!stored) throw new Error(`the registry cannot serve the manifest ${reference}`);
  const body = JSON.parse(stored.bytes.toString()) as {
    manifests?: Blob[];
    config: Blob;
    layers: Blob[];
  };
  if (body.manifests) return (await Promise.all(body.manifests.map(m => blobsOf(client, m.digest)))).flat();
  return [body.config, ...body.layers];
}

const writes = (log: string): string[] =>
  log.split('\n').filter(l => /"(PUT|POST|PATCH|DELETE) \/v2\//.test(l));

/** Restarts a killed registry once the push has failed and logged that it retries. */
async function backAfterFirstRetry(registry: Registry, logged: () => string): Promise<void> {
  await waitFor(
    'the push to retry',
    () => Promise.resolve(/retrying in \d+ ms/.test(logged()) || undefined),
    120000
  );
  await registry.restart();
}

describe('push to a real registry', () => {
  test('6 tags: one digest, every tag resolves to it, each blob of the image uploaded once', async () => {
    const registry = await startRegistry();
    try {
      const plan = await planFor(registry, 'acme/six', '1.0.0', imageA);
      expect(plan.tagNames).toHaveLength(6);
      const result = await push(plan, imageA);
      expect(result.tags).toEqual(plan.tags);
      const digest = result.digests[`${registry.host}/acme/six`];
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const client = new RegistryClient({ registry: registry.host, repository: 'acme/six' }, undefined);
      for (const tag of plan.tagNames) expect(await client.digest(tag)).toBe(digest);
      const blobs = new Set((await blobsOf(client, '1.0.0')).map(b => b.digest));
      const layers = JSON.parse(
        await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', imageA])
      ) as string[];
      expect(blobs.size).toBeGreaterThanOrEqual(layers.length + 1);
      const uploads = registry
        .log()
        .split('\n')
        .map(
          l => /"PUT \/v2\/acme\/six\/blobs\/uploads\/[^"]*digest=(sha256(?::|%3A)[0-9a-f]{64})/.exec(l)?.[1]
        )
        .filter((d): d is string => d !== undefined)
        .map(d => d.replace('%3A', ':'));
      // One upload per blob (every layer, the config, an attestation's on containerd); extra tags upload nothing.
      expect(uploads.sort()).toEqual([...blobs].sort());
    } finally {
      await registry.stop();
    }
  });

  test('release safety: 2.0.0 then 1.5.1 leaves latest and 2 on 2.0.0, moves 1 and 1.5', async () => {
    const registry = await startRegistry();
    try {
      const first = await push(await planFor(registry, 'acme/rel', '2.0.0', imageA), imageA);
      const second = await push(await planFor(registry, 'acme/rel', '1.5.1', imageB), imageB);
      const name = `${registry.host}/acme/rel`;
      expect(second.withheld).toEqual([
        {
          tag: `${name}:latest`,
          reason: 'the registry already holds 2.0.0, newer than 1.5.1: latest stays on 2.0.0'
        }
      ]);
      const client = new RegistryClient({ registry: registry.host, repository: 'acme/rel' }, undefined);
      const d2 = first.digests[name];
      const d1 = second.digests[name];
      expect(await client.digest('latest')).toBe(d2);
      expect(await client.digest('2')).toBe(d2);
      expect(await client.digest('1')).toBe(d1);
      expect(await client.digest('1.5')).toBe(d1);
      expect(await client.digest('1.5.1')).toBe(d1);
    } finally {
      await registry.stop();
    }
  });

  test('an existing release tag: other content is refused before anything is pushed; same image is a no-op', async () => {
    const registry = await startRegistry();
    try {
      await push(await planFor(registry, 'acme/fixed', '1.2.3', imageA), imageA);
      const before = writes(registry.log()).length;
      await expect(push(await planFor(registry, 'acme/fixed', '1.2.3', imageB), imageB)).rejects.toThrow(
        /nothing pushed: .*:1\.2\.3: 1\.2\.3 already exists with different content.*overwrite-release-tags: true/
      );
      expect(writes(registry.log()).length).toBe(before);
      const again = await push(await planFor(registry, 'acme/fixed', '1.2.3', imageA), imageA);
      expect(again.unchanged).toEqual([`${registry.host}/acme/fixed:1.2.3`]);
      const forced = await push(await planFor(registry, 'acme/fixed', '1.2.3', imageB), imageB, {
        overwriteReleaseTags: true
      });
      expect(forced.tags).toContain(`${registry.host}/acme/fixed:1.2.3`);
    } finally {
      await registry.stop();
    }
  });

  test('a cache held inline in the image: the pushed manifest is tagged as the cache; a name the image did not go to gets a warning and no tag', async () => {
    const registry = await startRegistry();
    try {
      const plan = await planFor(registry, 'acme/own', '1.2.3', imageA);
      const own = `${registry.host}/acme/own:buildcache-master`;
      const elsewhere = `${registry.host}/acme/elsewhere:buildcache-master`;
      const cache = { uploads: [{ ref: own }, { ref: elsewhere }] };
      const log = captureStdout();
      const result = await push(plan, imageA, { build: { ...(await builtImage(imageA)), cache } }).finally(
        log.stop
      );
      expect(result.cacheSaved).toEqual([own]);
      const client = (repository: string) =>
        new RegistryClient({ registry: registry.host, repository }, undefined);
      expect(await client('acme/own').digest('buildcache-master')).toBe(
        result.digests[`${registry.host}/acme/own`]
      );
      expect(await client('acme/elsewhere').tags()).toEqual([]);
      expect(log.text()).toContain(
        `::warning::Build cache not saved to ${elsewhere}: the image was not pushed to that name`
      );
    } finally {
      await registry.stop();
    }
  });

  test('a prerelease moves no floating tag', async () => {
    const registry = await startRegistry();
    try {
      await push(await planFor(registry, 'acme/pre', '1.0.0', imageA), imageA);
      const plan = makePlan(
        {
          ...PLAN_DEFAULTS,
          images: [`${registry.host}/acme/pre`],
          latest: 'true',
          version: '2.0.0-rc.1'
        },
        eventOf(scenario('push-branch')),
        new Date(),
        { libraries: LIBRARIES }
      );
      for (const ref of plan.tags) await docker(['tag', imageB, ref]);
      const result = await push(plan, imageB);
      expect(result.withheld.map(w => w.tag)).toEqual([`${registry.host}/acme/pre:latest`]);
      const client = new RegistryClient({ registry: registry.host, repository: 'acme/pre' }, undefined);
      expect(await client.digest('2.0.0-rc.1')).toBe(result.digests[`${registry.host}/acme/pre`]);
      expect(await client.digest('latest')).not.toBe(result.digests[`${registry.host}/acme/pre`]);
    } finally {
      await registry.stop();
    }
  });

  test('registry down, then back: the push is retried and completes', async () => {
    const registry = await startRegistry();
    try {
      const plan = await planFor(registry, 'acme/flaky', '1.0.0', imageB);
      await registry.kill();
      const log = captureStdout();
      const pending = push(plan, imageB).finally(log.stop);
      // Back once the push has failed and said it will retry: the retries left have 6 s to find it.
      await backAfterFirstRetry(registry, log.text);
      const result = await pending;
      expect(result.tags).toHaveLength(6);
      expect(log.text()).toMatch(/failed \(.*\); retrying in \d+ ms/);
    } finally {
      await registry.stop();
    }
  });

  test('registry killed mid-push: the retry completes and every tag points at a whole image', async () => {
    const registry = await startRegistry();
    let killed: Promise<void> | undefined;
    // The kill lands 8 MB into the 24 MB layer: after the small blobs, before any manifest.
    const relay = await cuttingRelay(registry.port, 8 * 1024 * 1024, () => {
      killed = registry.kill();
    });
    try {
      const plan = await planFor(relay, 'acme/midway', '1.0.0', imageA);
      const log = captureStdout();
      const pending = push(plan, imageA).finally(log.stop);
      await waitFor('the relay to cut the upload', () => Promise.resolve(killed && true), 60000, 10);
      await killed;
      await backAfterFirstRetry(registry, log.text);
      const result = await pending;
      expect(result.failed).toEqual([]);
      const digest = result.digests[`${relay.host}/acme/midway`];
      expect(digest).toMatch(/^sha256:/);
      const client = new RegistryClient({ registry: registry.host, repository: 'acme/midway' }, undefined);
      for (const tag of plan.tagNames) expect(await client.digest(tag)).toBe(digest);
      // Every blob of the image is complete in the registry.
      for (const layer of await blobsOf(client, '1.0.0')) {
        const head = await fetch(`http://${registry.host}/v2/acme/midway/blobs/${layer.digest}`, {
          method: 'HEAD'
        });
        expect(Number(head.headers.get('content-length'))).toBe(layer.size);
      }
    } finally {
      await relay.close();
      await registry.stop();
    }
  });
});

describe('authentication', () => {
  test('a first push to a new repository whose registry answers its tag list with 401 (Docker Hub) works', async () => {
    const authDir = await mkdtemp(path.join(work, 'auth-'));
    const tokens = await tokenServer(authDir, { hubLike: true });
    const registry = await startRegistry({ auth: tokens.auth });
    try {
      const plan = await planFor(registry, 'acme/brand-new', '1.0.0', imageB);
      const credentials = { registry: registry.host, username: USER, password: PASSWORD };
      const listed = new RegistryClient(
        { registry: registry.host, repository: 'acme/brand-new' },
        credentials
      );
      expect(await listed.tags()).toEqual([]);
      const dockerConfig = await login(registry.host, USER, PASSWORD);
      const result = await push(plan, imageB, { dockerConfig, login: credentials });
      expect(result.tags).toHaveLength(6);
      expect(result.failed).toEqual([]);
    } finally {
      await registry.stop();
      await tokens.close();
    }
  });

  test('Basic (htpasswd): login and push; a wrong password is a clear error', async () => {
    const authDir = await mkdtemp(path.join(work, 'auth-'));
    const registry = await startRegistry({ auth: await htpasswdAuth(authDir) });
    try {
      const plan = await planFor(registry, 'acme/basic', '1.0.0', imageB);
      await expect(login(registry.host, USER, 'wrong')).rejects.toThrow(
        new RegExp(`docker login to ${registry.host.replace(/\./g, '\\.')} as ${USER} failed`)
      );
      const config = await login(registry.host, USER, PASSWORD);
      const result = await push(plan, imageB, {
        dockerConfig: config,
        login: { registry: registry.host, username: USER, password: PASSWORD }
      });
      expect(result.tags).toHaveLength(6);
      // Without credentials the registry refuses: a clear error with the permissions hint.
      await expect(push(plan, imageB)).rejects.toThrow(/HTTP 401 .*packages: write/);
    } finally {
      await registry.stop();
    }
  });

  test('Bearer (token server): login and push; a wrong password is a clear error', async () => {
    const authDir = await mkdtemp(path.join(work, 'auth-'));
    const tokens = await tokenServer(authDir);
    const registry = await startRegistry({ auth: tokens.auth });
    try {
      const plan = await planFor(registry, 'acme/bearer', '1.0.0', imageB);
      await expect(login(registry.host, USER, 'wrong')).rejects.toThrow(/docker login .* failed/);
      const config = await login(registry.host, USER, PASSWORD);
      const result = await push(plan, imageB, {
        dockerConfig: config,
        login: { registry: registry.host, username: USER, password: PASSWORD }
      });
      expect(result.tags).toHaveLength(6);
      expect(tokens.issued.some(scope => scope.includes('repository:acme/bearer:pull'))).toBe(true);
      await expect(
        push(plan, imageB, { login: { registry: registry.host, username: USER, password: 'wrong' } })
      ).rejects.toThrow(/token request .* refused \(HTTP 401\)/);
    } finally {
      await registry.stop();
      await tokens.close();
    }
  });
});
