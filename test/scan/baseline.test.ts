import { describe, expect, test } from '@jest/globals';
import { baselineOf } from '../../src/plan/index.js';
import { splitReference } from '../../src/registry/reference.js';
import { baseChanged, diffFindings } from '../../src/scan/baseline.js';
import type { TrivyFinding } from '../../src/scan/findings.js';
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
