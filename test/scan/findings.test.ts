import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { filterReport, parseTrivyReport, scanGate } from '../../src/scan/findings.js';
import { rankFindings } from '../../src/report/render.js';
import { emptyCounts, SEVERITIES, type Severity } from '../../src/severity.js';
import { FIXTURES } from '../helpers/docker.js';

/** The fixture README's table: file → counts by severity, as the Trivy project recorded them. */
function readmeCounts(): Map<string, Record<Severity, number>> {
  const readme = readFileSync(path.join(FIXTURES, 'README.md'), 'utf8');
  const table = new Map<string, Record<Severity, number>>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map(c => c.trim());
    if (!cells[1]?.endsWith('.json.golden') || cells[1].includes('.cdx.')) continue;
    const counts = emptyCounts();
    for (const m of cells[4].matchAll(/\b(UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL) (\d+)/g))
      counts[m[1] as Severity] = Number(m[2]);
    table.set(cells[1], counts);
  }
  return table;
}
const TABLE = readmeCounts();
const load = (file: string) => parseTrivyReport(readFileSync(path.join(FIXTURES, file), 'utf8'));

describe('every recorded Trivy JSON report parses with the README counts', () => {
  test('the README lists the 13 JSON reports', () => {
    expect(TABLE.size).toBe(13);
  });
  test.each([...TABLE.entries()])('%s', (file, counts) => {
    expect(load(file).counts).toEqual(counts);
  });
});

describe('findings', () => {
  test('typed fields from a real report', () => {
    const finding = load('alpine-39.json.golden').findings.find(f => f.id === 'CVE-2019-1549');
    expect(finding).toEqual({
      id: 'CVE-2019-1549',
      pkg: 'libcrypto1.1',
      installed: '1.1.1b-r1',
      fixed: '1.1.1d-r0',
      status: 'fixed',
      severity: 'MEDIUM',
      title: 'openssl: information disclosure in fork()',
      url: 'https://avd.aquasec.com/nvd/cve-2019-1549',
      targets: ['testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)'],
      layer: 'sha256:f1b5933fe4b5f49bbe8258745cf396afe07e625bdab3168e364daf7c956b6b81'
    });
  });

  test('the same CVE in four packages is four findings (ubuntu-1804)', () => {
    expect(load('ubuntu-1804.json.golden').findings.filter(f => f.id === 'CVE-2019-5094')).toHaveLength(4);
  });

  test('one package reported by two targets is one finding with both targets', () => {
    const report = JSON.parse(readFileSync(path.join(FIXTURES, 'alpine-310.json.golden'), 'utf8')) as {
      Results: { Target: string }[];
    };
    report.Results.push({ ...report.Results[0], Target: 'usr/lib/copy' });
    const parsed = parseTrivyReport(JSON.stringify(report));
    expect(parsed.counts.MEDIUM).toBe(4);
    expect(parsed.findings[0].targets).toHaveLength(2);
  });

  test('fixable vs not, and status', () => {
    const report = load('debian-buster.json.golden');
    expect(report.fixable).toBe(1);
    expect(report.findings.find(f => !f.fixed)?.status).toBe('affected');
    expect(
      load('ubi-7-comprehensive.json.golden')
        .findings.map(f => f.status)
        .sort()
    ).toContain('will_not_fix');
  });

  test('ranking: severity first, fixable before unfixable', () => {
    const ranked = rankFindings(load('ubuntu-1804.json.golden').findings);
    expect(ranked.map(f => f.severity)).toEqual(['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LOW']);
    const distroless = rankFindings(load('distroless-base.json.golden').findings);
    expect(distroless.map(f => `${f.severity}:${Boolean(f.fixed)}`)).toEqual([
      'MEDIUM:false',
      'MEDIUM:false',
      'LOW:true',
      'LOW:true'
    ]);
    // Within one severity the fixable ones come first: unfix e2fsprogs and it drops to last.
    const mixed = load('ubuntu-1804.json.golden').findings.map(f =>
      f.pkg === 'e2fsprogs' ? { ...f, fixed: '' } : f
    );
    expect(
      rankFindings(mixed)
        .filter(f => f.severity === 'MEDIUM')
        .map(f => f.pkg)
    ).toEqual(['libcom-err2', 'libext2fs2', 'libss2', 'e2fsprogs']);
  });

  test('no Results key and no Vulnerabilities key are zero findings', () => {
    expect(load('alpine-39-skip.json.golden').findings).toEqual([]);
    expect(load('sl-micro-rancher5.4.json.golden').findings).toEqual([]);
  });

  test.each([
    ['{"SchemaVersion": 2, "Results": [', /not JSON/],
    ['{"SchemaVersion": 1}', /SchemaVersion 1/],
    [
      readFileSync(path.join(FIXTURES, 'fluentd-multiple-lockfiles-short.cdx.json.golden'), 'utf8'),
      /SchemaVersion undefined/
    ],
    ['null', /SchemaVersion/]
  ])('unreadable output is an error, never "no findings": %#', (text, message) => {
    expect(() => parseTrivyReport(text)).toThrow(message);
  });
});

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
    expect(scanGate(load(file), level).failed).toBe(fails);
  });
});

describe('ignore-unfixed and severity filtering', () => {
  test('ignore-unfixed drops findings without a fixed version (debian-buster: LOW is unfixed)', () => {
    const report = filterReport(load('debian-buster.json.golden'), {
      severity: [...SEVERITIES],
      ignoreUnfixed: true
    });
    expect(report.counts).toEqual({ ...emptyCounts(), CRITICAL: 1 });
    expect(report.counts).toEqual(load('debian-buster-ignore-unfixed.json.golden').counts);
  });

  test('fail-on=LOW fails debian-buster, but not once unfixed findings are ignored', () => {
    const all = load('debian-buster.json.golden');
    expect(scanGate(filterReport(all, { severity: ['LOW'], ignoreUnfixed: false }), 'LOW').failed).toBe(true);
    const low = filterReport(all, { severity: ['LOW'], ignoreUnfixed: true });
    expect(scanGate(low, 'LOW').failed).toBe(false);
  });

  test('severity keeps what is reported and recounts', () => {
    const report = filterReport(load('alpine-39.json.golden'), {
      severity: ['HIGH', 'CRITICAL'],
      ignoreUnfixed: false
    });
    expect(report.counts).toEqual({ ...emptyCounts(), CRITICAL: 2 });
    expect(report.findings).toHaveLength(2);
  });
});
