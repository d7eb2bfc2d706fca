import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mergePlatforms } from '../../src/scan/findings.js';
import { loadFixture } from '../helpers/fixtures.js';
import { mergeSarif } from '../../src/scan/sarif.js';
import { scanTargets } from '../../src/scan/targets.js';
import { FIXTURES, STANDIN_BIN } from '../helpers/docker.js';
import type { Builder } from '../../src/builder/contract.js';

const builder = { native: 'linux/amd64' } as Builder;

describe('one scan per platform', () => {
  test('a single-platform image: the daemon serves it', () => {
    expect(scanTargets({ platforms: ['linux/amd64'], builder }, 'app:1', '/o')).toEqual([
      { platform: '', source: { image: 'app:1' } }
    ]);
  });

  test("one platform the runner cannot run (a platform job's arm64 on amd64): saved by platform and read with it", () => {
    expect(scanTargets({ platforms: ['linux/arm64'], builder }, 'app:1', '/o')).toEqual([
      {
        platform: 'linux/arm64',
        source: { archive: '/o/image-linux-arm64.tar' },
        save: { image: 'app:1', platform: 'linux/arm64', archive: '/o/image-linux-arm64.tar' }
      }
    ]);
  });

  test('an index in the daemon: the native platform directly, the others saved by platform', () => {
    expect(scanTargets({ platforms: ['linux/amd64', 'linux/arm64'], builder }, 'app:1', '/o')).toEqual([
      { platform: 'linux/amd64', source: { image: 'app:1' } },
      {
        platform: 'linux/arm64',
        source: { archive: '/o/image-linux-arm64.tar' },
        save: { image: 'app:1', platform: 'linux/arm64', archive: '/o/image-linux-arm64.tar' }
      }
    ]);
  });

  test('an OCI layout: every platform read from it', () => {
    expect(
      scanTargets(
        { platforms: ['linux/amd64', 'linux/arm64'], layout: '/o/image', builder },
        'app:1',
        '/o'
      ).map(t => [t.platform, t.source])
    ).toEqual([
      ['linux/amd64', { layout: '/o/image' }],
      ['linux/arm64', { layout: '/o/image' }]
    ]);
  });
});

describe('findings of several platforms', () => {
  const alpine = loadFixture('alpine-3.9.json');

  test('one finding per vulnerability and package, naming the platforms that have it', () => {
    const amd = alpine.findings;
    const arm = alpine.findings.filter(f => f.pkg.startsWith('musl'));
    const merged = mergePlatforms([
      { platform: 'linux/amd64', findings: amd },
      { platform: 'linux/arm64', findings: arm }
    ]);
    expect(merged).toHaveLength(amd.length);
    expect(
      merged
        .filter(f => f.platforms?.length === 2)
        .map(f => f.pkg)
        .sort()
    ).toEqual(['musl', 'musl-utils']);
  });

  test('a single platform is left as it is', () => {
    expect(mergePlatforms([{ platform: '', findings: alpine.findings }])).toBe(alpine.findings);
  });
});

test('SARIF of two platforms: one file, one run each, told apart by automation id', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-sarif-'));
  try {
    // SARIF as Trivy writes it for alpine 3.10: four results.
    const recorded = path.join(dir, 'alpine-3.10.sarif');
    await promisify(execFile)(path.join(STANDIN_BIN, 'trivy'), [
      'convert',
      '--format',
      'sarif',
      '--output',
      recorded,
      path.join(FIXTURES, 'alpine-3.10.json')
    ]);
    const out = path.join(dir, 'merged.sarif');
    await mergeSarif(
      [
        { platform: 'linux/amd64', path: recorded },
        { platform: 'linux/arm64', path: recorded }
      ],
      out
    );
    const merged = JSON.parse(await readFile(out, 'utf8')) as {
      version: string;
      runs: { automationDetails: { id: string }; results: unknown[] }[];
    };
    expect(merged.version).toBe('2.1.0');
    expect(merged.runs.map(r => r.automationDetails.id)).toEqual([
      'shipshape/linux/amd64/',
      'shipshape/linux/arm64/'
    ]);
    expect(merged.runs[1].results).toHaveLength(4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
