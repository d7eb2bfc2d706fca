// Prints the mutation score of each module `npm run mutate` mutates, from Stryker's JSON report,
// with every surviving mutant, and exits 1 when a module is under the floor.
import { readFileSync } from 'node:fs';

const FLOOR = 80;
const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

let low = 0;
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
  const detected = mutants.filter(m => DETECTED.has(m.status)).length;
  const missed = mutants.filter(m => UNDETECTED.has(m.status));
  const score = (100 * detected) / Math.max(1, detected + missed.length);
  if (score < FLOOR) low++;
  console.log(
    `${score.toFixed(1).padStart(5)} %  ${file}  (${detected} of ${detected + missed.length} detected)`
  );
  for (const m of missed) {
    const { line, column } = m.location.start;
    console.log(
      `         ${m.status.toLowerCase()} ${file}:${line}:${column} ${m.mutatorName}: ${m.replacement ?? ''}`
    );
  }
}
if (low > 0) {
  console.log(`${low} module(s) under ${FLOOR} %`);
  process.exit(1);
}
