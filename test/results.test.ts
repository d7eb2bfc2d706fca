import { describe, expect, test } from '@jest/globals';
import { verdict } from '../src/common/verdict.js';
import { assembleReport, platformResultOf } from '../src/results.js';
import type { PushResult } from '../src/push/contract.js';
import { fixtureReport } from './helpers/report.js';

const SOURCE = { platform: 'linux/arm64', repository: 'acme/app', commit: 'c0ffee' };
const MANIFEST = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'a'.repeat(64)}`,
  size: 400
};
const pushed = (extra: Partial<PushResult> = {}): PushResult => ({
  pushed: true,
  digests: { 'ghcr.io/acme/app': MANIFEST.digest },
  tags: [],
  unchanged: [],
  withheld: [],
  failed: [],
  byDigest: { platform: 'linux/arm64', manifest: MANIFEST, attestations: [] },
  durationMs: 1,
  ...extra
});

describe("a platform job's result for the merge", () => {
  const report = fixtureReport('alpine-3.9.json');
  const passing = { ...report, gates: { passed: true, gates: [verdict('scan', 'passed', 'ok')] } };

  test('gated and pushed by digest to every image name: passed, with its manifest, verdicts and counts', () => {
    expect(platformResultOf({ ...passing, push: pushed() }, SOURCE, true)).toMatchObject({
      version: 1,
      ...SOURCE,
      passed: true,
      images: ['ghcr.io/acme/app'],
      manifest: MANIFEST,
      verdicts: [{ gate: 'scan', status: 'passed' }],
      findings: { counts: report.scan?.report.counts }
    });
  });

  test.each<[string, Parameters<typeof platformResultOf>[0]]>([
    [
      'a gate failed',
      { ...report, gates: { passed: false, gates: [verdict('scan', 'failed', '1 CRITICAL')] } }
    ],
    ['nothing was pushed', { ...passing, push: undefined }],
    [
      'one image name refused the push',
      { ...passing, push: pushed({ failed: [{ tag: 'x', reason: 'denied' }] }) }
    ],
    ['the run stopped with an error', { ...passing, push: pushed(), error: 'boom' }]
  ])('not passed when %s', (_why, results) => {
    expect(platformResultOf(results, SOURCE, true).passed).toBe(false);
  });

  test("a job whose policy pushes nothing (a fork's pull request) passed on its gates alone", () => {
    expect(platformResultOf({ ...passing }, SOURCE, false)).toMatchObject({
      passed: true,
      manifest: undefined,
      images: []
    });
    expect(platformResultOf({ ...passing, gates: { passed: false, gates: [] } }, SOURCE, false).passed).toBe(
      false
    );
  });

  test('the report carries it only for a platform job', () => {
    const facts = {
      plan: report.plan,
      pushPolicy: { push: true, reason: 'push' },
      dryRun: false,
      dockerfile: 'Dockerfile',
      runUrl: 'https://x'
    };
    expect(
      assembleReport({ ...passing, push: pushed() }, { ...facts, platform: SOURCE }).platformResult?.passed
    ).toBe(true);
    expect(assembleReport({ ...passing }, facts).platformResult).toBeUndefined();
  });
});
