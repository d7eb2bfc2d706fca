import { afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dbIsFresh, updateDb } from '../../../src/scan/trivy/db.js';
import { convertToSarif, scanArgs, scanImage } from '../../../src/scan/trivy/run.js';
import { BUSYBOX, ensureDocker, FIXTURES, STANDIN_BIN } from '../../helpers/docker.js';

const TRIVY = path.join(STANDIN_BIN, 'trivy');
const REPOS = ['mirror.gcr.io/aquasec/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'];
let dir: string;
let log: string;
const calls = async (): Promise<string[][]> =>
  (await readFile(log, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as string[]);

beforeAll(() => ensureDocker(), 300000);
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-trivy-'));
  log = path.join(dir, 'argv.log');
  process.env.TRIVY_STANDIN_LOG = log;
  process.env.SHIPSHAPE_RETRY_BASE_MS = '10';
  for (const k of [
    'TRIVY_STANDIN_MODE',
    'TRIVY_STANDIN_RATE_LIMITED',
    'TRIVY_STANDIN_DB_DOWN',
    'TRIVY_STANDIN_FIXTURE',
    'TRIVY_STANDIN_DB_UPDATED_AT'
  ])
    delete process.env[k];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const JAVA_REPOS = ['mirror.gcr.io/aquasec/trivy-java-db:1', 'ghcr.io/aquasecurity/trivy-java-db:1'];
const HOUR = 3_600_000;
const scanOptions = () => ({
  source: { image: BUSYBOX },
  output: path.join(dir, 'trivy.json'),
  cacheDir: path.join(dir, 'cache'),
  javaDbRepositories: JAVA_REPOS,
  maxDbAgeMs: 72 * HOUR,
  ignoreUnfixed: false,
  ignoreFile: undefined,
  timeoutMs: 2000
});

/** A DB in the cache as Trivy keeps one, built `hoursAgo` and downloaded then: `db` or `java-db`. */
async function cachedDbBuilt(name: 'db' | 'java-db', hoursAgo: number): Promise<string> {
  const built = new Date(Date.now() - hoursAgo * HOUR).toISOString();
  await mkdir(path.join(dir, 'cache', name), { recursive: true });
  await writeFile(path.join(dir, 'cache', name, name === 'db' ? 'trivy.db' : 'trivy-java.db'), '');
  await writeFile(
    path.join(dir, 'cache', name, 'metadata.json'),
    JSON.stringify({ UpdatedAt: built, DownloadedAt: built, NextUpdate: built })
  );
  return built;
}

describe('vulnerability DB', () => {
  test('first repository rate-limited: tried three times, then the second is used', async () => {
    process.env.TRIVY_STANDIN_RATE_LIMITED = REPOS[0];
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR);
    const repos = (await calls()).map(argv => argv[argv.indexOf('--db-repository') + 1]);
    expect(repos).toEqual([REPOS[0], REPOS[0], REPOS[0], REPOS[1]]);
    expect(await dbIsFresh(path.join(dir, 'cache'))).toBe(true);
  });

  test("today's DB already in the cache: no download at all", async () => {
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR);
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR);
    expect(await calls()).toHaveLength(1);
  });

  test("yesterday's DB is refreshed", async () => {
    await updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR);
    expect(await dbIsFresh(path.join(dir, 'cache'), new Date(Date.now() + 86400000))).toBe(false);
  });

  test('both repositories fail: one clear error naming each', async () => {
    process.env.TRIVY_STANDIN_RATE_LIMITED = REPOS[0];
    process.env.TRIVY_STANDIN_DB_DOWN = REPOS[1];
    const error = updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR);
    await expect(error).rejects.toThrow(
      /cannot download the Trivy vulnerability DB from any repository and none is cached/
    );
    await expect(error).rejects.toThrow(
      /mirror\.gcr\.io.*TOOMANYREQUESTS[\s\S]*ghcr\.io.*connection refused/
    );
  });
});

describe('every DB repository fails, a DB is cached', () => {
  beforeEach(() => {
    process.env.TRIVY_STANDIN_DB_DOWN = REPOS.join(',');
  });

  test('younger than max-db-age: the scan uses it, and says how old it is', async () => {
    const built = await cachedDbBuilt('db', 30);
    const state = await updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR);
    expect(state).toMatchObject({ source: 'stale-cache', updatedAt: built });
    expect(state.ageMs).toBeGreaterThanOrEqual(30 * HOUR);
  });

  test('older than max-db-age: a failure naming its age and the limit', async () => {
    await cachedDbBuilt('db', 100);
    await expect(updateDb(TRIVY, path.join(dir, 'cache'), REPOS, 72 * HOUR)).rejects.toThrow(
      /the cached one \(built .*\) is 4 days old, past max-db-age \(3 days\)/
    );
  });
});

describe('the Java DB', () => {
  const JAR = path.join(FIXTURES, 'java-app.json');
  beforeEach(() => cachedDbBuilt('db', 1));

  test('an image without Java archives never touches it', async () => {
    await scanImage(TRIVY, scanOptions());
    expect(existsSync(path.join(dir, 'cache', 'java-db'))).toBe(false);
  });

  test('an image with Java archives gets it; rate-limited, the cached one is used and its age said', async () => {
    process.env.TRIVY_STANDIN_FIXTURE = JAR;
    process.env.TRIVY_STANDIN_RATE_LIMITED = JAVA_REPOS.join(',');
    const built = await cachedDbBuilt('java-db', 20);
    const scanned = await scanImage(TRIVY, scanOptions());
    expect(scanned.javaDb).toMatchObject({ source: 'stale-cache', updatedAt: built });
    const scans = (await calls()).filter(argv => argv[0] === 'image');
    expect(scans.map(argv => argv.includes('--skip-java-db-update'))).toEqual([false, true]);
    expect(scans[0][scans[0].indexOf('--java-db-repository') + 1]).toBe(JAVA_REPOS.join(','));
  });

  test('rate-limited with no Java DB cached: the scan fails, saying so', async () => {
    process.env.TRIVY_STANDIN_FIXTURE = JAR;
    process.env.TRIVY_STANDIN_RATE_LIMITED = JAVA_REPOS.join(',');
    await expect(scanImage(TRIVY, scanOptions())).rejects.toThrow(
      /cannot download the Trivy Java DB and none is cached/
    );
  });
});

describe('the one scan', () => {
  beforeEach(() => cachedDbBuilt('db', 1));

  test('argv: local daemon only, JSON to a file, all severities, exit code 0, no DB update', async () => {
    const ignoreFile = path.join(dir, '.trivyignore');
    await writeFile(ignoreFile, 'CVE-2019-1549\n');
    await scanImage(TRIVY, { ...scanOptions(), ignoreUnfixed: true, ignoreFile });
    const [argv] = await calls();
    expect(argv).toEqual(scanArgs({ ...scanOptions(), ignoreUnfixed: true, ignoreFile }));
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
    expect(argv[argv.indexOf('--ignorefile') + 1]).toBe(ignoreFile);
    expect(argv).not.toContain('--severity');
    expect(argv[argv.length - 1]).toBe(BUSYBOX);
    expect(scanArgs(scanOptions())).not.toContain('--ignore-unfixed');
  });

  test('the report is what Trivy wrote to --output', async () => {
    process.env.TRIVY_STANDIN_FIXTURE = path.join(FIXTURES, 'debian-10.json');
    const { json: text } = await scanImage(TRIVY, scanOptions());
    expect(text).toBe(await readFile(scanOptions().output, 'utf8'));
    expect(JSON.parse(text)).toMatchObject({ ArtifactName: BUSYBOX, Metadata: { OS: { Name: '10.1' } } });
  });

  test('a DB written to another cache directory than the scan reads is no DB: the scan fails', async () => {
    await expect(
      scanImage(TRIVY, { ...scanOptions(), cacheDir: path.join(dir, 'elsewhere') })
    ).rejects.toThrow(/--skip-db-update cannot be specified on the first run/);
  });

  test('Trivy crash: a tool error with its message, never findings', async () => {
    process.env.TRIVY_STANDIN_MODE = 'crash';
    await expect(scanImage(TRIVY, scanOptions())).rejects.toThrow(
      /Trivy scan failed \(exit 1\):[\s\S]*unable to initialize a scan service/
    );
  });

  test('Trivy hangs: killed when its deadline passes, and reported', async () => {
    process.env.TRIVY_STANDIN_MODE = 'hang';
    // The hard limit is the scan timeout plus as much again (at most 30 s): 2 s here.
    const started = Date.now();
    await expect(scanImage(TRIVY, { ...scanOptions(), timeoutMs: 1000 })).rejects.toThrow(
      'Trivy scan did not finish within 1 s'
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(8000);
  });

  test('SARIF comes from the JSON report via trivy convert', async () => {
    await scanImage(TRIVY, scanOptions());
    await convertToSarif(TRIVY, path.join(dir, 'trivy.json'), path.join(dir, 'out.sarif'));
    const argv = (await calls()).find(a => a[0] === 'convert');
    expect(argv).toEqual([
      'convert',
      '--format',
      'sarif',
      '--output',
      path.join(dir, 'out.sarif'),
      path.join(dir, 'trivy.json')
    ]);
    const sarif = JSON.parse(await readFile(path.join(dir, 'out.sarif'), 'utf8')) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(4);
  });
});
