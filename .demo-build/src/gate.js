/** Every gate's verdict, and whether the image may be pushed (pure). */
export function decideGates(lint, scan, smoke, lintFailOn) {
  const gates = [
    lint
      ? {
          name: 'lint',
          status: lint.failed ? 'failed' : 'passed',
          detail: lint.failed
            ? `findings at or above lint-fail-on=${lintFailOn}`
            : `${lint.findings.length} finding(s), none at or above lint-fail-on=${lintFailOn}`
        }
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
