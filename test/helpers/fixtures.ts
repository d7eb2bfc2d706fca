import { readFileSync } from 'node:fs';
import { emptyCounts, type Counts, type Severity } from '../../src/severity.js';

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
