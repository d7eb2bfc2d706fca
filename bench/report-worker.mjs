// Parses, gates and renders one Trivy report in a fresh process; prints time and peak RSS.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const build = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.build/src');
const { parseTrivyReport, filterReport, scanGate } = await import(`${build}/scan/report.js`);
const { renderWithin, COMMENT_LIMIT, SUMMARY_LIMIT } = await import(`${build}/report.js`);
const text = await readFile(process.argv[2], 'utf8');
const started = performance.now();
const parsed = parseTrivyReport(text);
const shown = filterReport(parsed, {
  severity: ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
  ignoreUnfixed: false
});
const gate = scanGate(shown, 'CRITICAL');
const report = {
  plan: {
    version: '1.0.0',
    images: ['ghcr.io/acme/app'],
    tagNames: ['1.0.0'],
    tags: ['ghcr.io/acme/app:1.0.0'],
    labels: [],
    warnings: [],
    kinds: {}
  },
  dryRun: false,
  dockerfile: 'Dockerfile',
  runUrl: 'https://github.com/acme/app/actions/runs/1',
  scan: {
    report: shown,
    failed: gate.failed,
    detail: gate.detail,
    jsonPath: '',
    sarifPath: '',
    trivyVersion: 'bench',
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
