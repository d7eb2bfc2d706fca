import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { countBySeverity, emptyCounts, SEVERITIES, type Severity } from '../../src/common/severity.js';
import { mergePackages, scanVerdict, withoutUnfixed } from '../../src/scan/findings.js';
import { FIXTURES } from '../helpers/docker.js';
import { loadFixture as load, readmeCounts } from '../helpers/fixtures.js';

const TABLE = readmeCounts(path.join(FIXTURES, 'README.md'), 'findings by severity');
/** What `severity` and `ignore-unfixed` keep of a fixture's findings. */
const kept = (file: string, severity: Severity[], ignoreUnfixed: boolean) =>
  withoutUnfixed(load(file).findings, ignoreUnfixed).filter(f => severity.includes(f.severity));

describe('gate matrix: each fail-on level × reports with and without findings at that level', () => {
  const RANK = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };
  const cases: [string, Severity | 'none', boolean][] = [];
  for (const [file, counts] of TABLE) {
    for (const level of [...SEVERITIES, 'none'] as const) {
      const expected = level !== 'none' && SEVERITIES.some(s => counts[s] > 0 && RANK[s] >= RANK[level]);
      cases.push([file, level, expected]);
    }
  }
  test('both outcomes occur for every level but none', () => {
    for (const level of SEVERITIES) {
      const outcomes = new Set(cases.filter(c => c[1] === level).map(c => c[2]));
      expect(outcomes).toEqual(new Set([true, false]));
    }
  });
  test.each(cases)('%s with fail-on=%s fails: %s', (file, level, fails) => {
    expect(scanVerdict(load(file).findings, level).status).toBe(fails ? 'failed' : 'passed');
  });
});

describe('ignore-unfixed and severity filtering', () => {
  test('ignore-unfixed drops findings without a fixed version (debian-10: LOW is unfixed)', () => {
    expect(countBySeverity(kept('debian-10.json', [...SEVERITIES], true))).toEqual({
      ...emptyCounts(),
      CRITICAL: 1
    });
  });

  test('fail-on=LOW fails debian-10, but not once unfixed findings are ignored', () => {
    expect(scanVerdict(kept('debian-10.json', ['LOW'], false), 'LOW').status).toBe('failed');
    expect(scanVerdict(kept('debian-10.json', ['LOW'], true), 'LOW').status).toBe('passed');
  });

  test('severity keeps what is reported and recounts', () => {
    const shown = kept('alpine-3.9.json', ['HIGH', 'CRITICAL'], false);
    expect(countBySeverity(shown)).toEqual({ ...emptyCounts(), CRITICAL: 2 });
    expect(shown).toHaveLength(2);
  });
});

describe('packages of several platforms', () => {
  test('listed once each, sorted by type, name and version', () => {
    const amd = load('alpine-3.9.json').packages;
    const arm = load('alpine-3.9-arm64.json').packages;
    const python = load('python-app.json').packages;
    const merged = mergePackages([amd, python, arm]);
    // The arm64 packages differ from the amd64 ones only by PURL (the architecture).
    expect(merged).toHaveLength(amd.length + arm.length + python.length);
    expect(mergePackages([amd, amd])).toHaveLength(amd.length);
    expect(merged.map(p => p.type)).toEqual([...merged.map(p => p.type)].sort());
  });
});
