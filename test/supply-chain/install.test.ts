import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { installCosign } from '../../src/supply-chain/install.js';
import { serveFiles } from '../helpers/docker.js';

const COSIGN = path.join(process.env.SHIPSHAPE_OPT ?? '/opt/shipshape', 'cosign/usr/bin/cosign');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-cosign-'));
  process.env.RUNNER_TOOL_CACHE = path.join(work, 'tools');
  process.env.RUNNER_TEMP = path.join(work, 'temp');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the cosign Shipshape signs with', () => {
  test('cosign-path is used as it is, with the version it reports (Debian’s build says devel)', async () => {
    expect(await installCosign(COSIGN)).toEqual({ path: COSIGN, version: 'devel' });
  });

  test.each([
    ['x64', '/v2.5.0/cosign-linux-amd64', '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188'],
    [
      'arm64',
      '/v2.4.1/cosign-linux-arm64',
      '3b2e2e3854d0356c45fe6607047526ccd04742d20bd44afb5be91fa2a6e7cb4a'
    ]
  ])(
    'on linux/%s, a download of %s that is not the pinned release binary is refused (here: Debian’s own build)',
    async (arch, asset, pinned) => {
      const server = await serveFiles(new Map([[asset, await readFile(COSIGN)]]));
      try {
        await expect(installCosign('', server.url, { platform: 'linux', arch })).rejects.toThrow(
          new RegExp(
            `checksum mismatch for ${path.basename(asset)}: expected ${pinned}, got [0-9a-f]{64}: refusing to run it`
          )
        );
      } finally {
        await server.close();
      }
    }
  );

  test('a cosign-path that is not a cosign is an error', async () => {
    await expect(installCosign('/bin/true')).rejects.toThrow(
      'cosign-path /bin/true is not a cosign that runs'
    );
  });
});
