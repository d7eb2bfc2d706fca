// Parses, gates and renders one Trivy report in a fresh process; prints time and peak RSS.
import { readFile } from 'node:fs/promises';
import { COMMENT_LIMIT, renderWithin, SUMMARY_LIMIT } from '../src/report/markdown/render.js';
import type { RunReport } from '../src/results.js';
import { atOrAbove, countBySeverity } from '../src/common/severity.js';
import { scanVerdict } from '../src/scan/findings.js';
import { parseTrivyReport } from '../src/scan/trivy/parse.js';

const text = await readFile(process.argv[2], 'utf8');
const started = performance.now();
const { findings, facts } = parseTrivyReport(text);
const report: RunReport = {
  plan: {
    version: '1.0.0',
    images: ['ghcr.io/acme/app'],
    tagNames: ['1.0.0'],
    tags: ['ghcr.io/acme/app:1.0.0'],
    labels: [],
    annotations: [],
    warnings: [],
    kinds: {},
    semver: {},
    cache: { import: [] }
  },
  dryRun: false,
  dockerfile: 'Dockerfile',
  runUrl: 'https://github.com/acme/app/actions/runs/1',
  scan: {
    report: {
      ...facts,
      findings: findings.map(f => ({ ...f, blocking: atOrAbove(f.severity, 'CRITICAL') })),
      counts: countBySeverity(findings),
      fixable: findings.filter(f => f.fixed).length
    },
    verdict: scanVerdict(findings, 'CRITICAL'),
    jsonPath: '',
    sarifPath: '',
    durationMs: 0
  }
};
const summary = renderWithin(report, SUMMARY_LIMIT);
const comment = renderWithin(report, COMMENT_LIMIT);
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    ms: Math.round(ms),
    rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    summaryChars: summary.length,
    commentChars: comment.length
  })
);
