import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getInputs } from '../../src/action/inputs/inputs.js';
import type { BuildResult } from '../../src/builder/contract.js';
import { scanStage, type ScanSettings } from '../../src/scan/index.js';
import { SCANNERS } from '../../src/scan/scanners.js';
import { builder } from '../helpers/dockerfiles.js';

// The one line a new scanner adds where scanners are chosen; the adapter is one file beside it.
SCANNERS.second = { title: 'Second', load: async () => (await import('./second-scanner.js')).secondScanner };

describe('a second scanner added through the port', () => {
  let dir: string;
  let settings: ScanSettings;
  const build: Pick<BuildResult, 'platforms' | 'layout' | 'builder' | 'imageId'> = {
    platforms: ['linux/amd64', 'linux/arm64'],
    layout: '/nonexistent/layout',
    builder: builder({ store: 'containerd' }),
    imageId: 'sha256:' + 'c'.repeat(64)
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'second-scanner-'));
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM example:1\nCOPY app /app\n');
    settings = {
      ...getInputs(name => ({ scanner: 'second', 'fail-on': 'HIGH' })[name] ?? '', { GITHUB_WORKSPACE: dir }),
      file: path.join(dir, 'Dockerfile')
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('the scanner input accepts its name and still refuses one not in the table', () => {
    expect(settings.scanner).toBe('second');
    expect(() => getInputs(name => (name === 'scanner' ? 'grype' : ''), { GITHUB_WORKSPACE: dir })).toThrow(
      /scanner/
    );
  });

  test('the scan stage gates on its findings, merged across platforms and mapped to Dockerfile lines', async () => {
    const result = await scanStage(settings, build, 'example.test/app:1', path.join(dir, 'out'), {
      listPackages: false
    });
    expect(result.verdict).toMatchObject({ gate: 'scan', status: 'failed' });
    expect(result.scanner).toMatchObject({ name: 'second', title: 'Second' });
    expect(
      result.report.findings.map(f => ({
        id: f.id,
        platforms: f.platforms,
        line: f.source?.line,
        blocking: f.blocking
      }))
    ).toEqual([
      { id: 'CVE-2026-0001', platforms: ['linux/amd64', 'linux/arm64'], line: 1, blocking: false },
      { id: 'CVE-2026-0002', platforms: ['linux/arm64'], line: 2, blocking: true }
    ]);
    const sarif = JSON.parse(await readFile(result.sarifPath, 'utf8')) as {
      runs: { automationDetails: { id: string }; results: unknown[] }[];
    };
    expect(sarif.runs.map(r => [r.automationDetails.id, r.results.length])).toEqual([
      ['shipshape/linux/amd64/', 1],
      ['shipshape/linux/arm64/', 2]
    ]);
  });

  test('its adapter file needs nothing from src but the port types', async () => {
    const source = await readFile(new URL('./second-scanner.ts', import.meta.url), 'utf8');
    const fromSrc = [...source.matchAll(/^import (type )?.* from '(\.\.\/\.\.\/src\/[^']+)'/gm)];
    expect(fromSrc.map(m => [m[1], m[2]])).toEqual([['type ', '../../src/scan/port.js']]);
  });
});
