import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { countRun, skippedTests, type JestJson } from '../../scripts/jest-counts.js';
import { ROOT } from '../helpers/docker.js';

/** A real jest run of the fixture suites, as `npm test` runs jest: its --json output. */
async function jestOn(pattern: string): Promise<JestJson> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-jest-'));
  try {
    const output = path.join(dir, 'out.json');
    await promisify(execFile)(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/jest/bin/jest.js'),
        '--config',
        JSON.stringify({ testEnvironment: 'node' }),
        '--rootDir',
        path.join(ROOT, 'test/scripts/fixtures'),
        '--testMatch',
        `**/${pattern}`,
        '--json',
        '--outputFile',
        output
      ],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' } }
    ).catch(() => undefined); // jest exits 1: its suites fail on purpose
    return JSON.parse(await readFile(output, 'utf8')) as JestJson;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a failing afterAll hook counts as a failure, in a suite whose tests all pass', async () => {
  expect(countRun(await jestOn('after-all-only.fixture.mjs'))).toEqual({ passed: 1, failed: 1, skipped: 0 });
});

test('a failing afterAll hook counts as a failure beside a failed test of the same suite', async () => {
  expect(countRun(await jestOn('hooks.fixture.mjs'))).toEqual({ passed: 1, failed: 2, skipped: 0 });
});

test('a skipped test is counted and named with its reason', async () => {
  const run = await jestOn('skipped.fixture.mjs');
  expect(countRun(run)).toEqual({ passed: 0, failed: 0, skipped: 1 });
  expect(skippedTests(run)).toEqual(['needs a folder beside the repository (skipped: it is not there)']);
});
