import { describe, expect, test } from '@jest/globals';
import { baselineOf } from '../../src/plan/index.js';
import { splitReference } from '../../src/registry/reference.js';
import { baseChanged, diffFindings, scannedSize, sizeGate } from '../../src/scan/baseline.js';
import { filterReport, parseTrivyReport, type TrivyFinding } from '../../src/scan/findings.js';
import { parseSizeLimit } from '../../src/size-limit.js';
import { eventOf, scenario } from '../helpers/events.js';

const finding = (id: string, pkg: string, installed: string): TrivyFinding => ({
  id,
  pkg,
  installed,
  fixed: '',
  status: 'fixed',
  severity: 'MEDIUM',
  title: '',
  url: '',
  targets: ['app'],
  layer: ''
});

describe('the vulnerability diff against the baseline', () => {
  test('keyed by vulnerability, package and installed version: new, unchanged and fixed', () => {
    const before = [
      finding('CVE-1', 'musl', '1.0'),
      finding('CVE-2', 'libssl', '1.1'),
      finding('CVE-3', 'zlib', '1.2')
    ];
    const now = [
      finding('CVE-1', 'musl', '1.0'),
      finding('CVE-2', 'libssl', '1.2'),
      finding('CVE-4', 'curl', '8.0')
    ];
    const { marked, fixed } = diffFindings(now, before);
    expect(marked.map(f => `${f.id} ${f.pkg}@${f.installed} ${f.change}`)).toEqual([
      'CVE-1 musl@1.0 unchanged',
      'CVE-2 libssl@1.2 new',
      'CVE-4 curl@8.0 new'
    ]);
    expect(fixed.map(f => `${f.id} ${f.pkg}@${f.installed}`)).toEqual(['CVE-2 libssl@1.1', 'CVE-3 zlib@1.2']);
  });

  test('a finding the baseline lists twice (two targets) is fixed once', () => {
    const before = [finding('CVE-9', 'jar', '1'), { ...finding('CVE-9', 'jar', '1'), targets: ['other'] }];
    expect(diffFindings([], before).fixed).toHaveLength(1);
  });
});

describe('which image is the baseline', () => {
  test.each([
    ['pull_request-opened', 'auto', 'ghcr.io/acme/app:master'],
    ['push-branch', 'auto', 'ghcr.io/acme/app:master'],
    ['tag-v1.2.3', 'auto', 'ghcr.io/acme/app:1.2.3'],
    ['pull_request-opened', 'ghcr.io/acme/app:stable', 'ghcr.io/acme/app:stable'],
    ['pull_request-opened', 'none', undefined]
  ])('%s, baseline: %s → %s', (kind, setting, expected) => {
    const version = kind === 'tag-v1.2.3' ? '1.2.3' : 'master';
    expect(baselineOf(setting, eventOf(scenario(kind)), 'ghcr.io/acme/app', version)).toBe(expected);
  });

  test.each([
    ['ghcr.io/acme/app:main', { image: 'ghcr.io/acme/app', ref: 'main' }],
    ['127.0.0.1:5000/acme/app', { image: '127.0.0.1:5000/acme/app', ref: 'latest' }],
    [
      `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`,
      { image: 'ghcr.io/acme/app', ref: `sha256:${'a'.repeat(64)}` }
    ]
  ])('%s names image and reference', (reference, expected) => {
    expect(splitReference(reference)).toEqual(expected);
  });
});

describe('whether the base image changed', () => {
  const sources = {
    'sha256:base1': { line: 1, instruction: 'FROM alpine', base: true },
    'sha256:own': { line: 5, instruction: 'RUN make', base: false }
  };
  const image = (...diffIds: string[]) => ({
    platform: 'linux/amd64',
    digest: 'sha256:x',
    compressed: 0,
    layers: diffIds.map(diffId => ({ diffId, size: 1 }))
  });
  test('the same base layers: unchanged, whatever the own layers are', () => {
    expect(baseChanged(sources, image('sha256:base1', 'sha256:older-own'))).toBe(false);
  });
  test('a base layer the baseline does not hold: changed', () => {
    expect(baseChanged(sources, image('sha256:base0', 'sha256:own'))).toBe(true);
  });
});

describe('max-size-increase against the baseline’s scanned size', () => {
  const size = (platform: string, uncompressed: number) => ({ platform, uncompressed, layers: [] });
  const baseline = { scanned: size('linux/amd64', 100_000_000) };
  const limit = (text: string) => parseSizeLimit(text)!;

  test('10%: 9.9% growth passes, 10.1% fails, naming the growth and the limit', () => {
    expect(sizeGate(limit('10%'), [size('linux/amd64', 109_900_000)], baseline)).toEqual({
      limit: '10%',
      skipped: false,
      failed: false,
      detail: 'linux/amd64: +9.9 MB (+9.9%) uncompressed, within max-size-increase 10%'
    });
    expect(sizeGate(limit('10%'), [size('linux/amd64', 110_100_000)], baseline)).toMatchObject({
      failed: true,
      detail: 'linux/amd64: +10.1 MB (+10.1%) uncompressed, over max-size-increase 10%'
    });
  });

  test('50MB: 50,000,001 bytes more fails, a shrinking image passes', () => {
    expect(sizeGate(limit('50MB'), [size('linux/amd64', 150_000_001)], baseline).failed).toBe(true);
    expect(sizeGate(limit('50MB'), [size('linux/amd64', 150_000_000)], baseline).failed).toBe(false);
    expect(sizeGate(limit('0%'), [size('linux/amd64', 90_000_000)], baseline)).toMatchObject({
      failed: false,
      detail: 'linux/amd64: −10.0 MB (−10.0%) uncompressed, within max-size-increase 0%'
    });
  });

  test('the platform the baseline was scanned for is the one judged (variants match)', () => {
    const arm = { scanned: size('linux/arm64/v8', 100) };
    expect(sizeGate(limit('1B'), [size('linux/amd64', 1), size('linux/arm64', 102)], arm).failed).toBe(true);
  });

  test('no baseline, an unavailable one, or no sizes: skipped with the reason, never failed', () => {
    expect(sizeGate(limit('1B'), [size('linux/amd64', 5)], undefined)).toMatchObject({
      skipped: true,
      failed: false,
      detail: 'no baseline to compare sizes with on this run'
    });
    expect(
      sizeGate(limit('1B'), [size('linux/amd64', 5)], {
        unavailable: 'nothing has been pushed to x:main yet'
      })
    ).toMatchObject({
      skipped: true,
      detail: 'no baseline to compare sizes with: nothing has been pushed to x:main yet'
    });
    expect(sizeGate(limit('1B'), [], baseline)).toMatchObject({
      skipped: true,
      detail: 'the scanner reported no image sizes to compare'
    });
  });

  test('the scan report’s size: Trivy’s Metadata.Size, else the sum of its layers, else none', () => {
    const report = (uncompressed?: number, layerSizes?: { diffId: string; size: number }[]) => ({
      ...filterReport(parseTrivyReport('{"SchemaVersion":2}'), { severity: [], ignoreUnfixed: false }),
      uncompressed,
      layerSizes
    });
    expect(scannedSize('linux/amd64', report(7, []))?.uncompressed).toBe(7);
    expect(
      scannedSize(
        'linux/amd64',
        report(undefined, [
          { diffId: 'a', size: 2 },
          { diffId: 'b', size: 3 }
        ])
      )?.uncompressed
    ).toBe(5);
    expect(scannedSize('linux/amd64', report())).toBeUndefined();
  });
});
