import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { convertToSarif, dbIsFresh, scanArgs, scanImage, updateDb } from '../../src/scan/trivy.js';
import { FIXTURES, STANDIN_BIN } from '../helpers/docker.js';

const TRIVY = path.join(STANDIN_BIN, 'trivy');
const REPOS = ['mirror.gcr.io/aquasec/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'];
let dir: string;
let log: string;
const calls = async (): Promise<string[][]> =>
  (await readFile(log, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as string[]);

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-trivy-'));
  log = path.join(dir, 'argv.log');
  process.env.TRIVY_STANDIN_LOG = log;
  process.env.SHIPSHAPE_RETRY_BASE_MS = '10';
  for (const k of [
    'TRIVY_STANDIN_MODE',
    'TRIVY_STANDIN_RATE_LIMITED',
    'TRIVY_STANDIN_DB_DOWN',
    'TRIVY_STANDIN_FIXTURE'
  ])
    delete process.env[k];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scanOptions = () => ({
  source: { image: 'shipshape.local/app:1.0.0' },
  output: path.join(dir, 'trivy.json'),
  cacheDir: path.join(dir, 'cache'),
  ignoreUnfixed: false,
  ignoreFile: undefined,
  timeoutMs: 2000
});

describe('vulnerability DB', () => {
  test('first repository rate-limited: retried with backoff, then the second is used', async () => {
    process.env.TRIVY_STANDIN_RATE_LIMITED = REPOS[0];
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS);
    const repos = (await calls()).map(argv => argv[argv.indexOf('--db-repository') + 1]);
    expect(repos).toEqual([REPOS[0], REPOS[0], REPOS[0], REPOS[1]]);
    expect(await dbIsFresh(path.join(dir, 'cache'))).toBe(true);
  });

  test("today's DB already in the cache: no download at all", async () => {
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS);
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS);
    expect(await calls()).toHaveLength(1);
  });

  test("yesterday's DB is refreshed", async () => {
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS);
    expect(await dbIsFresh(path.join(dir, 'cache'), new Date(Date.now() + 86400000))).toBe(false);
  });

  test('both repositories fail: one clear error naming each', async () => {
    process.env.TRIVY_STANDIN_RATE_LIMITED = REPOS[0];
    process.env.TRIVY_STANDIN_DB_DOWN = REPOS[1];
    const error = updateDb(TRIVY, path.join(dir, 'cache'), REPOS);
    await expect(error).rejects.toThrow(/cannot download the Trivy vulnerability DB from any repository/);
    await expect(error).rejects.toThrow(
      /mirror\.gcr\.io.*TOOMANYREQUESTS[\s\S]*ghcr\.io.*connection refused/
    );
  });
});

describe('the one scan', () => {
  test('argv: local daemon only, JSON to a file, all severities, exit code 0, no DB update', async () => {
    await scanImage(TRIVY, { ...scanOptions(), ignoreUnfixed: true, ignoreFile: '/w/.trivyignore' });
    const [argv] = await calls();
    expect(argv).toEqual(scanArgs({ ...scanOptions(), ignoreUnfixed: true, ignoreFile: '/w/.trivyignore' }));
    expect(argv.slice(0, 3)).toEqual(['image', '--image-src', 'docker']);
    expect(argv).toEqual(
      expect.arrayContaining([
        '--format',
        'json',
        '--exit-code',
        '0',
        '--skip-db-update',
        '--ignore-unfixed',
        '--timeout',
        '2s'
      ])
    );
    expect(argv[argv.indexOf('--ignorefile') + 1]).toBe('/w/.trivyignore');
    expect(argv).not.toContain('--severity');
    expect(argv[argv.length - 1]).toBe('shipshape.local/app:1.0.0');
    expect(scanArgs(scanOptions())).not.toContain('--ignore-unfixed');
  });

  test('the report is what Trivy wrote', async () => {
    process.env.TRIVY_STANDIN_FIXTURE = path.join(FIXTURES, 'debian-buster.json.golden');
    const text = await scanImage(TRIVY, scanOptions());
    expect(text).toBe(await readFile(path.join(FIXTURES, 'debian-buster.json.golden'), 'utf8'));
  });

  test('Trivy crash: a tool error with its message, never findings', async () => {
    process.env.TRIVY_STANDIN_MODE = 'crash';
    await expect(scanImage(TRIVY, scanOptions())).rejects.toThrow(
      /Trivy scan failed \(exit 1\):[\s\S]*unable to initialize a scan service/
    );
  });

  test('Trivy hangs: killed and reported once its time is up', async () => {
    process.env.TRIVY_STANDIN_MODE = 'hang';
    // The hard limit is the scan timeout plus a grace period; use a tiny timeout here.
    const started = Date.now();
    await expect(scanImage(TRIVY, { ...scanOptions(), timeoutMs: -29_500 })).rejects.toThrow(
      /did not finish within/
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('SARIF comes from the JSON report via trivy convert', async () => {
    await writeFile(path.join(dir, 'trivy.json'), '{}');
    await convertToSarif(TRIVY, path.join(dir, 'trivy.json'), path.join(dir, 'out.sarif'));
    const [argv] = await calls();
    expect(argv).toEqual([
      'convert',
      '--format',
      'sarif',
      '--output',
      path.join(dir, 'out.sarif'),
      path.join(dir, 'trivy.json')
    ]);
    expect(JSON.parse(await readFile(path.join(dir, 'out.sarif'), 'utf8'))).toMatchObject({
      version: '2.1.0'
    });
  });
});
