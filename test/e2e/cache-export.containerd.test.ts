import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunReport } from '../../src/results.js';
import { BUSYBOX } from '../helpers/docker.js';
import { context } from '../helpers/dockerfiles.js';
import { timelineStep } from '../helpers/report.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { engineWorld } from '../helpers/engine-world.js';

// On the containerd store BuildKit writes the registry cache export into the run's directory
// after the image is in the store, and the run goes on to the gates meanwhile. Here that
// directory (RUNNER_TEMP) is a 6 MB tmpfs and the image holds a 12 MB layer of random bytes,
// copied from a stage of its own (which keeps the default cache a registry export, not inline):
// the image builds and ships, its cache export runs out of space.
const world = engineWorld('cache-export');
const run = promisify(execFile);
// Outside the world's directory: that is removed first, and a mount point cannot be.
let small: string;
/** The registry cache exports (the run's one, cache-0) left anywhere under a runner's temp directory. */
const cacheExportsIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true })).filter(file => file.includes('cache-0'));
beforeAll(async () => {
  small = await mkdtemp(path.join(os.tmpdir(), 'shipshape-small-'));
  await run('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', small]);
});
afterAll(async () => {
  await run('umount', [small]);
  await rm(small, { recursive: true, force: true });
});

test('a cache export that runs out of space after the image is stored: the image is pushed, the cache is not, a warning says why, the partial export is removed', async () => {
  const dir = await context(path.join(world.work, 'app'), [
    `FROM ${BUSYBOX} AS random`,
    'ARG NONCE',
    'RUN head -c 12000000 /dev/urandom > /blob && echo "$NONCE"',
    `FROM ${BUSYBOX}`,
    'COPY --from=random /blob /blob',
    'CMD ["true"]'
  ]);
  const result = await world.ship(
    dir,
    `${world.registry.host}/cache-export/app`,
    { 'smoke-test': 'false' },
    // The scan answers after the export has failed and been removed: it writes into the same directory.
    { RUNNER_TEMP: small, TRIVY_STANDIN_DELAY_MS: '2000' }
  );
  expect(world.errors(result)).toEqual([]);
  expect(result.outputs.pushed).toBe('true');
  const warnings = result.stdout.split('\n').filter(l => l.startsWith('::warning::Build cache not written'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/no space left on device/);
  const client = world.clientOf(world.registry, 'cache-export/app');
  expect((await client.tags()).sort()).toEqual(['master', 'sha-6113728']);
  expect(await client.digest('master')).toBe(result.outputs.digest);
  const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as RunReport;
  expect(report).toMatchObject({ outcome: 'pushed' });
  expect(() => timelineStep(report, 'build cache written')).not.toThrow();
  expect(await cacheExportsIn(small)).toEqual([]);
});

test('a cache export that fails before the image is stored: the image is built again without it, and the registry export written beside it is removed', async () => {
  const temp = await tempDir('shipshape-runner-temp-');
  const dir = await context(path.join(world.work, 'unwritable'), [
    `FROM ${BUSYBOX}`,
    'ARG NONCE',
    'RUN echo "$NONCE" > /nonce',
    'CMD ["true"]'
  ]);
  const image = `${world.registry.host}/cache-export/unwritable`;
  const result = await world.ship(
    dir,
    image,
    {
      // The registry export is written locally (cache-0) while the other cannot be written at all.
      'cache-to': `type=registry,ref=${image}:cache,mode=max\ntype=local,dest=/proc/shipshape-cannot-write,mode=max`,
      'smoke-test': 'false'
    },
    { RUNNER_TEMP: temp }
  );
  expect(world.errors(result)).toEqual([]);
  expect(result.stdout).toMatch(
    /::warning::Build cache export failed \(.*\): building without exporting cache/
  );
  const client = world.clientOf(world.registry, 'cache-export/unwritable');
  expect((await client.tags()).sort()).toEqual(['master', 'sha-6113728']);
  expect(await cacheExportsIn(temp)).toEqual([]);
});
