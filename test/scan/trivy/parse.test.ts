import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { rankFindings } from '../../../src/report/markdown/vulnerabilities.js';
import { parseTrivyReport } from '../../../src/scan/trivy/parse.js';
import { FIXTURES } from '../../helpers/docker.js';
import { loadFixture as load, readmeCounts } from '../../helpers/fixtures.js';

const TABLE = readmeCounts(path.join(FIXTURES, 'README.md'), 'findings by severity');

describe("every fixture report parses with its README's counts", () => {
  test('the fixture reports are what test/fixtures/trivy/make.mjs writes from its facts', async () => {
    await expect(
      promisify(execFile)(process.execPath, [path.join(FIXTURES, 'make.mjs'), '--check'])
    ).resolves.toBeDefined();
  });

  test('the README lists every fixture report', () => {
    expect([...TABLE.keys()].sort()).toEqual(
      readdirSync(FIXTURES)
        .filter(f => f.endsWith('.json'))
        .sort()
    );
  });
  test.each([...TABLE.entries()])('%s', (file, counts) => {
    expect(load(file).counts).toEqual(counts);
  });
});

describe('findings', () => {
  test('typed fields from a real report', () => {
    const finding = load('alpine-3.9.json').findings.find(f => f.id === 'CVE-2019-1549');
    expect(finding).toEqual({
      id: 'CVE-2019-1549',
      pkg: 'libcrypto1.1',
      installed: '1.1.1b-r1',
      fixed: '1.1.1d-r0',
      status: 'fixed',
      severity: 'MEDIUM',
      title: 'openssl: the random number generator can share its state with a forked child process',
      url: 'https://avd.aquasec.com/nvd/cve-2019-1549',
      targets: ['shipshape.local/fixtures/alpine:3.9.4 (alpine 3.9.4)'],
      layer: 'sha256:f1b5933fe4b5f49bbe8258745cf396afe07e625bdab3168e364daf7c956b6b81'
    });
  });

  test('the same CVE in four packages is four findings (ubuntu-1804)', () => {
    expect(load('ubuntu-18.04.json').findings.filter(f => f.id === 'CVE-2019-5094')).toHaveLength(4);
  });

  test('one package reported by two targets is one finding with both targets', () => {
    const report = JSON.parse(readFileSync(path.join(FIXTURES, 'alpine-3.10.json'), 'utf8')) as {
      Results: { Target: string }[];
    };
    report.Results.push({ ...report.Results[0], Target: 'usr/lib/copy' });
    const parsed = parseTrivyReport(JSON.stringify(report));
    expect(parsed.findings).toHaveLength(4);
    expect(parsed.findings[0].targets).toHaveLength(2);
  });

  test('fixable vs not, and status', () => {
    const report = load('debian-10.json');
    expect(report.fixable).toBe(1);
    expect(report.findings.find(f => !f.fixed)?.status).toBe('affected');
    expect(load('python-app.json').findings.find(f => f.id === 'CVE-2023-45853')).toMatchObject({
      fixed: '',
      status: 'will_not_fix'
    });
  });

  test('ranking: severity first, fixable before unfixable', () => {
    const ranked = rankFindings(load('ubuntu-18.04.json').findings);
    expect(ranked.map(f => f.severity)).toEqual(['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LOW']);
    const python = rankFindings(load('python-app.json').findings);
    expect(python.map(f => `${f.severity}:${Boolean(f.fixed)}`)).toEqual([
      'CRITICAL:false',
      'HIGH:true',
      'HIGH:true',
      'HIGH:true',
      'HIGH:true',
      'MEDIUM:true',
      'MEDIUM:false',
      'LOW:true',
      'LOW:true',
      'LOW:false',
      'LOW:false',
      'LOW:false',
      'UNKNOWN:true'
    ]);
    // Within one severity the fixable ones come first: unfix e2fsprogs and it drops to last.
    const mixed = load('ubuntu-18.04.json').findings.map(f =>
      f.pkg === 'e2fsprogs' ? { ...f, fixed: '' } : f
    );
    expect(
      rankFindings(mixed)
        .filter(f => f.severity === 'MEDIUM')
        .map(f => f.pkg)
    ).toEqual(['libcom-err2', 'libext2fs2', 'libss2', 'e2fsprogs']);
  });

  test('no Results key and no Vulnerabilities key are zero findings', () => {
    const noResults = { SchemaVersion: 2, ArtifactName: 'x', ArtifactType: 'container_image', Metadata: {} };
    expect(parseTrivyReport(JSON.stringify(noResults)).findings).toEqual([]);
    expect(load('clean.json').findings).toEqual([]);
  });

  test.each([
    ['{"SchemaVersion": 2, "Results": [', /not JSON/],
    ['{"SchemaVersion": 1}', /SchemaVersion 1/],
    ['{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}', /SchemaVersion undefined/],
    ['null', /SchemaVersion/]
  ])('unreadable output is an error, never "no findings": %#', (text, message) => {
    expect(() => parseTrivyReport(text)).toThrow(message);
  });
});
