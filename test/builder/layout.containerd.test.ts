import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadPlatform } from '../../src/builder/load.js';
import {
  platformManifests,
  platformOf,
  readBlob,
  topDescriptor,
  type Descriptor
} from '../../src/common/oci-layout.js';
import { RegistryClient } from '../../src/registry/client.js';
import { pushLayout } from '../../src/registry/layout.js';
import { PASSWORD, USER, tokenServer } from '../helpers/auth.js';
import { TWO_PLATFORMS, context } from '../helpers/dockerfiles.js';
import { docker, ensureDocker, removeImages, startRegistry, type Registry } from '../helpers/docker.js';
import { tempDir } from '../helpers/temp-dirs.js';

// The OCI layout path that a docker-container builder takes for several platforms. It runs on
// the containerd engine, whose docker driver can write OCI layouts too (the classic one cannot).
let work: string;
let layout: string;
let top: Descriptor;
let registry: Registry;

beforeAll(async () => {
  await ensureDocker();
  registry = await startRegistry();
  work = await tempDir('shipshape-layout-');
  const dir = await context(path.join(work, 'context'), TWO_PLATFORMS);
  layout = path.join(work, 'image');
  await docker([
    'buildx',
    'build',
    '--platform',
    'linux/amd64,linux/arm64',
    '--output',
    `type=oci,dest=${layout},tar=false`,
    dir
  ]);
  top = await topDescriptor(layout);
}, 300000);
afterAll(async () => {
  await registry.stop();
  await removeImages('shipshape-layout.local/*');
});

describe('an image built into an OCI layout', () => {
  test('its platforms, attestations left out', async () => {
    expect((await platformManifests(layout, top)).map(platformOf).sort()).toEqual([
      'linux/amd64',
      'linux/arm64'
    ]);
  });

  test("the runner's platform loads into the daemon and runs", async () => {
    const amd64 = (await platformManifests(layout, top)).find(m => platformOf(m) === 'linux/amd64');
    const { imageId: id } = await loadPlatform(layout, amd64 as Descriptor, 'shipshape-layout.local/app:1');
    expect(await docker(['image', 'inspect', '--format', '{{.Architecture}}', id])).toBe('amd64');
    expect(await docker(['run', '--rm', id, '/busybox', 'cat', '/platform'])).toBe('linux/amd64');
  });

  test('it loads into the classic image store too, where a container builder sends it', async () => {
    const amd64 = (await platformManifests(layout, top)).find(m => platformOf(m) === 'linux/amd64');
    const own = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = process.env.SHIPSHAPE_CLASSIC_HOST;
    try {
      const { imageId: id } = await loadPlatform(
        layout,
        amd64 as Descriptor,
        'shipshape-layout.local/app:classic'
      );
      const config = JSON.parse((await readBlob(layout, amd64?.digest ?? '')).toString()) as {
        config: Descriptor;
      };
      expect(id).toBe(config.config.digest);
      expect(await docker(['run', '--rm', id, '/busybox', 'cat', '/platform'])).toBe('linux/amd64');
      await removeImages('shipshape-layout.local/*');
    } finally {
      process.env.DOCKER_HOST = own;
    }
  });

  test('pushed byte for byte: every tag resolves to the layout digest, with both platforms', async () => {
    const client = new RegistryClient({ registry: registry.host, repository: 'layout/app' }, undefined);
    expect(await pushLayout(client, layout, top, ['1.0.0', 'latest'])).toBe(top.digest);
    for (const tag of ['1.0.0', 'latest']) expect(await client.digest(tag)).toBe(top.digest);
    const stored = (await client.manifest('1.0.0'))?.bytes;
    expect(stored?.equals(await readBlob(layout, top.digest))).toBe(true);
  });

  test('a second repository of the same registry mounts the blobs instead of uploading them', async () => {
    const client = new RegistryClient({ registry: registry.host, repository: 'layout/copy' }, undefined);
    await pushLayout(client, layout, top, ['1.0.0'], 'layout/app');
    const log = registry.log().split('\n');
    expect(
      log.filter(l => /"POST \/v2\/layout\/copy\/blobs\/uploads\/\?[^"]*mount=/.test(l)).length
    ).toBeGreaterThan(0);
    expect(log.filter(l => /"PUT \/v2\/layout\/copy\/blobs\/uploads\//.test(l))).toEqual([]);
    expect(await client.digest('1.0.0')).toBe(top.digest);
  });

  test('a Bearer-token registry: the pull token is traded for a push token', async () => {
    const tokens = await tokenServer(work);
    const secured = await startRegistry({ auth: tokens.auth });
    try {
      const client = new RegistryClient(
        { registry: secured.host, repository: 'layout/secure' },
        { username: USER, password: PASSWORD }
      );
      expect(await pushLayout(client, layout, top, ['1.0.0'])).toBe(top.digest);
      // Pull and push in either order; on failure the issued scopes are printed.
      expect(tokens.issued).toEqual(
        expect.arrayContaining([expect.stringMatching(/repository:layout\/secure:(pull,push|push,pull)/)])
      );
      expect(await client.digest('1.0.0')).toBe(top.digest);
    } finally {
      await secured.stop();
      await tokens.close();
    }
  });
});
