import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countBySeverity, emptyCounts, type Counts, type Severity } from '../../src/common/severity.js';
import { parseTrivyReport } from '../../src/scan/trivy/parse.js';
import { FIXTURES } from './docker.js';

/** A fixture report as the Trivy adapter reads it, with its findings counted. */
export function loadFixture(file: string, dir = FIXTURES) {
  const parsed = parseTrivyReport(readFileSync(path.join(dir, file), 'utf8'));
  return {
    ...parsed,
    counts: countBySeverity(parsed.findings),
    fixable: parsed.findings.filter(f => f.fixed).length
  };
}
/**
 * A fixtures README's table: report file → its findings by severity, read from the column
 * `column` (cells such as `CRITICAL 2, MEDIUM 4`, or `none`).
 */
export function readmeCounts(readme: string, column: string): Map<string, Counts> {
  const rows = readFileSync(readme, 'utf8')
    .split('\n')
    .filter(l => l.startsWith('|'))
    .map(l => l.split('|').map(c => c.trim()));
  const at = rows[0]?.indexOf(column) ?? -1;
  if (at < 0) throw new Error(`${readme} has no column "${column}"`);
  const table = new Map<string, Counts>();
  for (const cells of rows.slice(2)) {
    const counts = emptyCounts();
    for (const m of cells[at].matchAll(/\b(UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL) (\d+)/g))
      counts[m[1] as Severity] = Number(m[2]);
    table.set(cells[1], counts);
  }
  return table;
}
