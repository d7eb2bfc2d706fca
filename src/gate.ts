import type { Gates, LintResult, RunReport, ScanResult, SmokeResult } from './results.js';

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
      ? {
          name: 'scan',
          status: scan.failed ? 'failed' : scan.error ? 'skipped' : 'passed',
          detail: scan.detail
        }
      : { name: 'scan', status: 'skipped', detail: 'scan: false' },
    smoke && smoke.health !== 'skipped'
      ? { name: 'smoke test', status: smoke.passed ? 'passed' : 'failed', detail: smoke.message }
      : { name: 'smoke test', status: 'skipped', detail: 'smoke-test: false' },
    ...(scan?.sizeGate
      ? [
          {
            name: 'size',
            status: scan.sizeGate.failed ? 'failed' : scan.sizeGate.skipped ? 'skipped' : 'passed',
            detail: scan.sizeGate.detail
          } as const
        ]
      : [])
  ];
  return { passed: gates.every(g => g.status !== 'failed'), gates };
}

/** Why the run failed, if it did: an error that stopped it, a failed gate, or a push that went out part-way. */
export function failureOf(report: Pick<RunReport, 'error' | 'gates' | 'push'>): string | undefined {
  const notPushed = report.push?.failed.map(f => f.tag) ?? [];
  if (notPushed.length > 0) {
    const pushed = report.push?.tags.join(', ') || 'nothing';
    return `push failed part-way: not pushed: ${notPushed.join(', ')}; pushed: ${pushed}${report.error ? `; ${report.error}` : ''}`;
  }
  if (report.error) return report.error;
  const failed = report.gates?.gates.filter(g => g.status === 'failed') ?? [];
  if (failed.length > 0)
    return `gate failed, nothing pushed: ${failed.map(g => `${g.name}: ${g.detail}`).join('; ')}`;
  return undefined;
}
