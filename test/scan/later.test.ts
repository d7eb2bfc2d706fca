import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getInputs } from '../../src/action/inputs/inputs.js';
import type { BuildResult } from '../../src/builder/contract.js';
import { scanStage, type ScanSettings } from '../../src/scan/index.js';
import type { ScannerAdapter } from '../../src/scan/port.js';
import { SCANNERS } from '../../src/scan/scanners.js';
import { builder } from '../helpers/dockerfiles.js';
import { startTimeline } from '../../src/timeline.js';

/** What the scanner below was asked to do after its scan, and when. */
const done: string[] = [];
let release: () => void = () => undefined;
let sarifFails = false;

// A scanner whose SARIF and DB cache save wait until the test releases them.
const slowFiles: ScannerAdapter = {
  prepare: () =>
    Promise.resolve({
      info: {
        name: 'slow',
        title: 'Slow',
        path: '/dev/null',
        version: '1.0.0',
        origin: 'download',
        verified: []
      },
      scan: request =>
        Promise.resolve({
          findings: [],
          packages: [],
          facts: { diffIds: [], history: [], os: 'example 1', eosl: false },
          reportPath: request.reportPath,
          sarifPath: request.sarifPath,
          writeSarif: async () => {
            await new Promise<void>(resolve => (release = resolve));
            if (sarifFails) throw new Error('disk full');
            await writeFile(request.sarifPath, '{"version":"2.1.0","runs":[]}');
            done.push('sarif');
          }
        }),
      finish: () => {
        done.push('cache saved');
        return Promise.resolve();
      }
    })
};
SCANNERS.slow = { title: 'Slow', load: () => Promise.resolve(slowFiles) };

describe('what no verdict needs waits until after the scan stage', () => {
  let dir: string;
  let settings: ScanSettings;
  const build: Pick<BuildResult, 'platforms' | 'layout' | 'builder' | 'imageId'> = {
    platforms: ['linux/amd64'],
    layout: '/nonexistent/layout',
    builder: builder({ store: 'containerd' }),
    imageId: 'sha256:' + 'c'.repeat(64)
  };
  const scan = (later?: (step: string, work: () => Promise<void>) => void) =>
    scanStage(settings, build, 'example.test/app:1', path.join(dir, 'out'), { listPackages: false, later });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scan-later-'));
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM example:1\n');
    settings = {
      ...getInputs(name => ({ scanner: 'slow' })[name] ?? '', { GITHUB_WORKSPACE: dir }),
      file: path.join(dir, 'Dockerfile')
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('the verdict comes before the SARIF and the DB cache save, which the timeline waits for', async () => {
    done.length = 0;
    sarifFails = false;
    const timeline = startTimeline();
    const result = await scan(timeline.later);
    expect(result.verdict.status).toBe('passed');
    expect(done).toEqual([]);
    release();
    await timeline.settled();
    expect(done).toEqual(['sarif', 'cache saved']);
    expect(await readFile(result.sarifPath, 'utf8')).toContain('2.1.0');
    expect(timeline.steps.map(s => s.step)).toEqual(['scan files saved']);
  });

  test('without a later, the stage itself waits for both', async () => {
    done.length = 0;
    sarifFails = false;
    const scanning = scan();
    await new Promise(resolve => setTimeout(resolve, 50));
    release();
    await scanning;
    expect(done).toEqual(['sarif', 'cache saved']);
  });

  test('a SARIF that cannot be written: no sarif path, the gate untouched, the cache still saved', async () => {
    done.length = 0;
    sarifFails = true;
    const timeline = startTimeline();
    const result = await scan(timeline.later);
    release();
    await timeline.settled();
    expect(result.sarifPath).toBe('');
    expect(result.verdict.status).toBe('passed');
    expect(done).toEqual(['cache saved']);
  });
});
