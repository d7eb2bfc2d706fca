import { lintDockerfile } from '../../src/lint/checks.js';
import { lintVerdict } from '../../src/lint/index.js';
import { makePlan } from '../../src/plan/index.js';
import type { RunReport } from '../../src/results.js';
import { insightStage } from '../../src/insight/index.js';
import type { InsightResult } from '../../src/insight/contract.js';
import { scanVerdict } from '../../src/scan/findings.js';
import { layerSources } from '../../src/scan/layers.js';
import { atOrAbove } from '../../src/common/severity.js';
import { verdict } from '../../src/common/verdict.js';
import { loadFixture } from './fixtures.js';
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
  const parsed = loadFixture(fixture);
  const gate = scanVerdict(parsed.findings, 'CRITICAL');
  const sources = layerSources(parsed.facts, FIXTURE_DOCKERFILE, '');
  const lint = lintVerdict(
    lintDockerfile(FIXTURE_DOCKERFILE, { dockerignore: '.git\n', ignore: [] }),
    'error'
  );
  const findings = parsed.findings.map(f => ({
    ...f,
    source: sources.get(f.layer),
    blocking: atOrAbove(f.severity, 'CRITICAL')
  }));
  const report: RunReport = {
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
      report: { ...parsed.facts, findings, counts: parsed.counts, fixable: parsed.fixable },
      verdict: gate,
      jsonPath: '/tmp/trivy.json',
      sarifPath: '/tmp/trivy.sarif',
      scanner: {
        name: 'trivy',
        title: 'Trivy',
        vendor: 'aquasecurity',
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
      verdict: verdict('smoke test', 'passed', 'healthy in 1.8 s (its HEALTHCHECK)'),
      mode: 'healthcheck',
      timeToHealthyMs: 1800,
      message: 'healthy in 1.8 s (its HEALTHCHECK)'
    },
    gates: {
      passed: gate.status === 'passed',
      gates: [lint.verdict, gate, verdict('smoke test', 'passed', 'healthy in 1.8 s (its HEALTHCHECK)')]
    }
  };
  withInsight(report);
  return report;
}

/** The insight stage's result for the report's scan as it now stands (no baseline): its base-image facts. */
export function withInsight(report: RunReport): InsightResult {
  if (!report.scan) throw new Error('the report has no scan');
  report.insight = insightStage({ failOnNew: 'none' }, report.scan, undefined);
  return report.insight;
}
