import type { LintResult } from './lint.js';
import type { SmokeResult } from './smoke.js';

export type GateStatus = 'passed' | 'failed' | 'skipped';

export interface GateDecision {
  name: 'lint' | 'scan' | 'smoke test';
  status: GateStatus;
  detail: string;
}

export interface ScanGateInput {
  failed: boolean;
  detail: string;
}

export interface Gates {
  passed: boolean;
  gates: GateDecision[];
}

/** Every gate's verdict, and whether the image may be pushed (pure). */
export function decideGates(
  lint: LintResult | undefined,
  scan: ScanGateInput | undefined,
  smoke: SmokeResult | undefined,
  lintFailOn: string
): Gates {
  const gates: GateDecision[] = [
    lint
      ? {
          name: 'lint',
          status: lint.failed ? 'failed' : 'passed',
          detail: lint.failed
            ? `findings at or above lint-fail-on=${lintFailOn}`
            : lint.findings.length === 0
              ? 'no findings'
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
