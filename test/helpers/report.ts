import { lintDockerfile } from '../../src/lint/rules/checks.js';
import { lintVerdict } from '../../src/lint/index.js';
import { makePlan } from '../../src/plan/index.js';
import type { RunReport } from '../../src/results.js';
import type { StepTime } from '../../src/timeline.js';
import { insightStage } from '../../src/insight/index.js';
import type { InsightResult } from '../../src/insight/contract.js';
import type { Finding } from '../../src/scan/contract.js';
import { scanVerdict } from '../../src/scan/findings.js';
import { layerSources } from '../../src/scan/layers.js';
import { atOrAbove } from '../../src/common/severity.js';
import { verdict } from '../../src/common/verdict.js';
import { loadFixture } from './fixtures.js';
import { builder } from './dockerfiles.js';
import { eventOf, LIBRARIES, PLAN_DEFAULTS, scenario } from './events.js';

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
    new Date('2026-11-22T12:00:00Z'),
    { libraries: LIBRARIES }
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
        sources: [
          { step: '[2/4] RUN apk add --no-cache curl', from: 'imported' },
          { step: '[3/4] COPY requirements.txt ./', from: 'imported' },
          { step: '[4/4] COPY server.py ./', from: 'built' }
        ],
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

/**
 * A report in which every section of the summary has something to show: a failed push with a
 * withheld tag, smoke evidence, a baseline with fixed findings and sizes, an SBOM, signatures,
 * warnings and an error. What the markdown properties vary, field by field.
 */
export function everySectionReport(): RunReport {
  const report = fixtureReport();
  const scan = report.scan!;
  const [first, ...rest] = scan.report.findings;
  scan.report.findings = [
    { ...first, change: 'new' },
    ...rest.map(f => ({ ...f, change: 'unchanged' as const }))
  ];
  scan.report.layerSources = { [first.layer]: { line: 2, instruction: 'RUN apk add curl', base: false } };
  scan.sizes = [
    { platform: 'linux/amd64', uncompressed: 9_000_000, layers: [{ diffId: first.layer, size: 4_000_000 }] }
  ];
  report.build!.base = {
    reference: 'alpine:3.9.4',
    digest: `sha256:${'b'.repeat(64)}`,
    pinned: false,
    line: 1
  };
  report.smoke = {
    health: 'unhealthy',
    verdict: verdict('smoke test', 'failed', 'unhealthy after 3 probes'),
    mode: 'healthcheck',
    message: 'unhealthy after 3 probes',
    evidence: 'probe 1: connection refused\ncontainer log: starting'
  };
  report.plan.warnings.push('the branch name was shortened');
  report.lint!.buildkitChecks = "BuildKit's build checks: 0 findings";
  report.timeline = [
    { step: 'build', startMs: 120, endMs: 9400 },
    { step: 'scanner ready', startMs: 125, endMs: 6100 },
    { step: 'scan', startMs: 9400, endMs: 11200 }
  ];
  report.push = {
    pushed: true,
    digests: { 'ghcr.io/codertocat/hello-world': `sha256:${'c'.repeat(64)}` },
    tags: ['ghcr.io/codertocat/hello-world:pr-2'],
    unchanged: ['ghcr.io/codertocat/hello-world:1.0.0'],
    withheld: [{ tag: 'ghcr.io/codertocat/hello-world:latest', reason: 'the registry holds 2.0.0' }],
    failed: [{ tag: 'ghcr.io/codertocat/hello-world:sha-ec26c3e', reason: 'denied' }],
    cacheSaved: ['ghcr.io/codertocat/hello-world:buildcache'],
    durationMs: 1
  };
  report.sbom = {
    packages: [{ name: 'musl', version: '1.1.20-r4', type: 'alpine', licenses: ['MIT'] }],
    counts: { alpine: 1 },
    files: { cyclonedx: '/out/sbom.cdx.json' }
  };
  report.sign = {
    mode: 'key',
    note: 'the attestation was skipped',
    signed: [{ reference: 'ghcr.io/codertocat/hello-world@sha256:c', signature: 'sha256-c.sig' }],
    verify: { signature: 'cosign verify --key cosign.pub ghcr.io/codertocat/hello-world@sha256:c' }
  };
  report.error = 'push failed part-way';
  const insight = withInsight(report);
  insight.baseline = {
    reference: 'ghcr.io/codertocat/hello-world:main',
    newCount: 1,
    unchanged: rest.length,
    fixed: [{ ...withoutBlocking(rest[0]), id: 'CVE-2000-0001', pkg: 'zlib' }],
    baseChanged: true,
    scanned: { platform: 'linux/amd64', uncompressed: 8_000_000, layers: [] },
    sizes: [{ platform: 'linux/amd64', digest: 'sha256:b', compressed: 3_000_000, layers: [] }]
  };
  return report;
}

function withoutBlocking(finding: Finding): Omit<Finding, 'blocking'> {
  const copy: Partial<Finding> = { ...finding };
  delete copy.blocking;
  return copy as Omit<Finding, 'blocking'>;
}

/** Where every string of a JSON value sits, as a path of keys and indexes. */
export function stringPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

/**
 * The string fields that hold free text: not the ones that hold one of a fixed set of words
 * (checked against it before rendering), not the run's URL (Shipshape's own).
 */
export function freeTextPaths(report: RunReport): (string | number)[][] {
  const WORDS = new Set([
    'origin',
    'severity',
    'status',
    'health',
    'mode',
    'kind',
    'store',
    'source',
    'change',
    'scope',
    'from'
  ]);
  return stringPaths(report).filter(
    p => p[0] !== 'runUrl' && !WORDS.has(String(p[p.length - 1])) && !p.includes('kinds')
  );
}

/** Sets the value at a path made by `stringPaths`. */
export function setAt(target: unknown, at: (string | number)[], value: unknown): void {
  const parent = at
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>(
      (node, key) => node[key] as Record<string | number, unknown>,
      target as Record<string | number, unknown>
    );
  parent[at[at.length - 1]] = value;
}

/** One step of a report's timeline, by name; a run that did not time it fails the test here, naming it. */
export function timelineStep(report: Pick<RunReport, 'timeline'>, name: string): StepTime {
  const step = report.timeline?.find(s => s.step === name);
  if (!step) throw new Error(`no "${name}" step in the report's timeline`);
  return step;
}
