import { describe, expect, test } from '@jest/globals';
import { baselineOf } from '../../src/plan/index.js';
import { splitReference } from '../../src/registry/reference.js';
import { baseChanged, diffFindings, sizeVerdict } from '../../src/insight/baseline.js';
import { scannedSize } from '../../src/scan/facts.js';
import type { ScanFinding } from '../../src/scan/port.js';
import { parseSizeLimit } from '../../src/common/size-limit.js';
import { eventOf, scenario } from '../helpers/events.js';

const finding = (id: string, pkg: string, installed: string): ScanFinding => ({
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
    expect(sizeVerdict(limit('10%'), [size('linux/amd64', 109_900_000)], baseline)).toEqual({
      gate: 'size',
      status: 'passed',
      detail: 'linux/amd64: +9.9 MB (+9.9%) uncompressed, within max-size-increase 10%'
    });
    expect(sizeVerdict(limit('10%'), [size('linux/amd64', 110_100_000)], baseline)).toMatchObject({
      status: 'failed',
      detail: 'linux/amd64: +10.1 MB (+10.1%) uncompressed, over max-size-increase 10%'
    });
  });

  test('50MB: 50,000,001 bytes more fails, a shrinking image passes', () => {
    expect(sizeVerdict(limit('50MB'), [size('linux/amd64', 150_000_001)], baseline).status).toBe('failed');
    expect(sizeVerdict(limit('50MB'), [size('linux/amd64', 150_000_000)], baseline).status).toBe('passed');
    expect(sizeVerdict(limit('0%'), [size('linux/amd64', 90_000_000)], baseline)).toMatchObject({
      status: 'passed',
      detail: 'linux/amd64: −10.0 MB (−10.0%) uncompressed, within max-size-increase 0%'
    });
  });

  test('the platform the baseline was scanned for is the one judged (variants match)', () => {
    const arm = { scanned: size('linux/arm64/v8', 100) };
    expect(sizeVerdict(limit('1B'), [size('linux/amd64', 1), size('linux/arm64', 102)], arm).status).toBe(
      'failed'
    );
  });

  test('no baseline, an unavailable one, or no sizes: skipped with the reason, never failed', () => {
    expect(sizeVerdict(limit('1B'), [size('linux/amd64', 5)], undefined)).toMatchObject({
      status: 'skipped',
      detail: 'no baseline to compare sizes with on this run'
    });
    expect(
      sizeVerdict(limit('1B'), [size('linux/amd64', 5)], {
        unavailable: 'nothing has been pushed to x:main yet'
      })
    ).toMatchObject({
      status: 'skipped',
      detail: 'no baseline to compare sizes with: nothing has been pushed to x:main yet'
    });
    expect(sizeVerdict(limit('1B'), [], baseline)).toMatchObject({
      status: 'skipped',
      detail: 'the scanner reported no image sizes to compare'
    });
  });

  test('the scan report’s size: Trivy’s Metadata.Size, else the sum of its layers, else none', () => {
    const report = (uncompressed?: number, layerSizes?: { diffId: string; size: number }[]) => ({
      diffIds: [],
      history: [],
      os: '',
      eosl: false,
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
