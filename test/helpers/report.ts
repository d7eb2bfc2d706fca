import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lintDockerfile } from '../../src/lint/checks.js';
import { lintVerdict } from '../../src/lint/index.js';
import { makePlan } from '../../src/plan/index.js';
import type { RunReport } from '../../src/results.js';
import { parseTrivyReport, scanGate } from '../../src/scan/findings.js';
import { locateFindings } from '../../src/scan/layers.js';
import { atOrAbove } from '../../src/severity.js';
import { FIXTURES } from './docker.js';
import { builder } from './dockerfiles.js';
import { eventOf, PLAN_DEFAULTS, scenario } from './events.js';

export const FIXTURE_DOCKERFILE = [
  'FROM alpine:3.9.4',
  'RUN apk add curl',
  'COPY app /app',
  'USER 1000',
  'CMD ["/app"]',
  ''
].join('\n');

/** A finished run on a pull request, its scan read from a recorded Trivy report. */
export function fixtureReport(
  fixture = 'alpine-3.9.json',
  image = 'ghcr.io/codertocat/hello-world'
): RunReport {
  const plan = makePlan(
    { ...PLAN_DEFAULTS, images: [image] },
    eventOf(scenario('pull_request-opened')),
    new Date('2026-11-22T12:00:00Z')
  );
  const parsed = parseTrivyReport(readFileSync(path.join(FIXTURES, fixture), 'utf8'));
  const gate = scanGate(parsed, 'CRITICAL');
  const lint = lintVerdict(
    lintDockerfile(FIXTURE_DOCKERFILE, { dockerignore: '.git\n', ignore: [] }),
    'error'
  );
  const findings = locateFindings(parsed, FIXTURE_DOCKERFILE, '').map(f => ({
    ...f,
    blocking: atOrAbove(f.severity, 'CRITICAL')
  }));
  return {
    plan,
    dryRun: false,
    dockerfile: 'Dockerfile',
    runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/4242',
    pushPolicy: {
      push: true,
      reason: 'pull request from this repository: pr-N and sha- tags only',
      kinds: ['pr', 'sha']
    },
    build: {
      imageId: 'sha256:7ab8e3c5a1d9d3b4f7c2e1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0',
      sizeBytes: 5_571_234,
      builder: builder(),
      platforms: ['linux/amd64'],
      runnable: true,
      notes: ['no provenance: the classic image store with the docker driver cannot hold attestations'],
      cache: {
        steps: 3,
        cached: 2,
        imported: ['ghcr.io/codertocat/hello-world:master'],
        missing: [],
        exports: ['type=inline'],
        uploads: []
      },
      durationMs: 4200
    },
    lint,
    scan: {
      report: { ...parsed, findings },
      failed: gate.failed,
      detail: gate.detail,
      jsonPath: '/tmp/trivy.json',
      sarifPath: '/tmp/trivy.sarif',
      scanner: {
        path: '/opt/hostedtoolcache/trivy/0.74.0/x64/trivy',
        version: '0.74.0',
        origin: 'tool-cache',
        verified: ['sha256 pinned in Shipshape']
      },
      db: { source: 'downloaded', updatedAt: '2026-11-24T00:00:00Z', ageMs: 3_600_000 },
      durationMs: 3100
    },
    smoke: {
      health: 'healthy',
      passed: true,
      mode: 'healthcheck',
      timeToHealthyMs: 1800,
      message: 'healthy in 1.8 s (its HEALTHCHECK)'
    },
    gates: {
      passed: !gate.failed,
      gates: [
        { name: 'lint', status: 'passed', detail: lint.detail },
        { name: 'scan', status: gate.failed ? 'failed' : 'passed', detail: gate.detail },
        { name: 'smoke test', status: 'passed', detail: 'healthy in 1.8 s (its HEALTHCHECK)' }
      ]
    }
  };
}
