// The last line of `npm test`: passed, failed and skipped over every engine's jest run, with a
// suite that failed outside its tests (it did not load, or a beforeAll/afterAll hook threw)
// counted as a failure, and leaked containers as one more.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; message: string; assertionResults: { status: string }[] }[];
}

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir).filter(f => f.endsWith('.json'))) {
  const run = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as JestJson;
  // A suite whose failure no failed test explains: it did not load, or a hook threw.
  const outside = run.testResults.filter(
    s => s.status === 'failed' && !s.assertionResults.some(t => t.status === 'failed')
  );
  for (const suite of outside)
    console.error(`suite failed outside its tests: ${suite.name}\n${suite.message}`);
  const leaked = statSync(path.join(dir, file.replace(/\.json$/, '.leaked')), { throwIfNoEntry: false });
  const engine = file.replace(/\.json$/, '');
  const runFailed = run.numFailedTests + outside.length + (leaked && leaked.size > 0 ? 1 : 0);
  console.log(`${engine}: ${run.numPassedTests} passed, ${runFailed} failed`);
  passed += run.numPassedTests;
  failed += runFailed;
  skipped += run.numPendingTests + run.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
