import type { Gates, LintResult, ScanResult, SmokeResult } from './results.js';

/** Every gate's verdict, as each stage decided it, and whether the image may be pushed (pure). */
export function decideGates(
  lint: LintResult | undefined,
  scan: ScanResult | undefined,
  smoke: SmokeResult | undefined
): Gates {
  const gates: Gates['gates'] = [
    lint
      ? { name: 'lint', status: lint.failed ? 'failed' : 'passed', detail: lint.detail }
      : { name: 'lint', status: 'skipped', detail: 'lint: false' },
    scan
      ? { name: 'scan', status: scan.failed ? 'failed' : 'passed', detail: scan.detail }
      : { name: 'scan', status: 'skipped', detail: 'scan: false' },
    smoke && smoke.health !== 'skipped'
      ? { name: 'smoke test', status: smoke.passed ? 'passed' : 'failed', detail: smoke.message }
      : { name: 'smoke test', status: 'skipped', detail: 'smoke-test: false' }
  ];
  return { passed: gates.every(g => g.status !== 'failed'), gates };
}
