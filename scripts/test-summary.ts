// The last line of `npm test`: passed, failed and skipped over every engine's jest run (see
// jest-counts.ts), with leaked containers as one more failure.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { countRun, skippedTests, type JestJson } from './jest-counts.js';

const dir = process.argv[2];
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of readdirSync(dir).filter(f => f.endsWith('.json'))) {
  const run = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as JestJson;
  for (const suite of run.testResults.filter(s => s.status === 'failed'))
    console.error(`failed: ${suite.name}`);
  for (const name of skippedTests(run)) console.log(`skipped: ${name}`);
  const leaked = statSync(path.join(dir, file.replace(/\.json$/, '.leaked')), { throwIfNoEntry: false });
  const counts = countRun(run);
  counts.failed += leaked && leaked.size > 0 ? 1 : 0;
  console.log(`${file.replace(/\.json$/, '')}: ${counts.passed} passed, ${counts.failed} failed`);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
console.log(
  `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`
);
