import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { RUN_LABEL } from '../../src/common/docker.js';
import { collect, parseCommandFile, prepareRun, runAction } from '../helpers/action.js';
import { context } from '../helpers/dockerfiles.js';
import { plant } from '../helpers/plant.js';
import { DB_PASSWORD, SMOKE_SECRET_ENV, expectNothingLeaked } from '../helpers/leaks.js';
import {
  BUSYBOX,
  ROOT,
  containersWithLabel,
  ensureDocker,
  removeImages,
  waitFor
} from '../helpers/docker.js';
import { scenario } from '../helpers/events.js';
import { readFile } from 'node:fs/promises';

let dir: string;
beforeAll(async () => {
  await ensureDocker();
  dir = await mkdtemp(path.join(ROOT, 'test/.tmp-cancel-'));
  await plant(
    await context(dir, [
      `FROM ${BUSYBOX}`,
      'HEALTHCHECK --start-period=300s CMD false',
      'USER 65534',
      'CMD ["sleep", "300"]'
    ]),
    [DB_PASSWORD]
  );
}, 300000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await removeImages('shipshape-cancel.local/*');
});

test('main step killed mid smoke test: the post step removes its container', async () => {
  const s = scenario('push-branch');
  const prepared = await prepareRun({
    inputs: {
      context: path.relative(ROOT, dir),
      images: 'shipshape-cancel.local/app',
      scan: 'false',
      'health-timeout': '120s',
      'smoke-env': SMOKE_SECRET_ENV
    },
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: {}
  });
  const main = spawn(prepared.node, [prepared.entry], {
    env: prepared.env,
    cwd: prepared.cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  // What the main step printed before it was killed is checked like any run's.
  let [stdout, stderr] = ['', ''];
  main.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  main.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const label = await waitFor(
    'the run label in GITHUB_STATE',
    async () => parseCommandFile(await readFile(prepared.files.state, 'utf8'))['run-label'],
    60000
  );
  await waitFor(
    'the smoke container',
    async () => ((await containersWithLabel(`${RUN_LABEL}=${label}`)).length > 0 ? true : undefined),
    60000
  );
  // What the runner does on cancellation after its grace period.
  main.kill('SIGKILL');
  await new Promise(resolve => main.once('close', resolve));
  expect(stdout).toContain('::stop-commands::');
  expect(await containersWithLabel(`${RUN_LABEL}=${label}`)).toHaveLength(1);

  const post = await runAction({
    inputs: {},
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    dir: prepared.dir,
    entry: 'dist/index.js'
  });
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toContain('Removed 1 container(s) left by this run');
  expect(await containersWithLabel(`${RUN_LABEL}=${label}`)).toEqual([]);
  await expectNothingLeaked(post, [DB_PASSWORD]);
  // The killed main step: its output, and the files it had written by then.
  await expectNothingLeaked(await collect(prepared, { exitCode: -1, stdout, stderr }), [DB_PASSWORD]);
}, 120000);
