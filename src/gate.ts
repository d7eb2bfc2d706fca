import { blocks, verdict, type Verdict } from './common/verdict.js';
import type { PushPolicy } from './plan/contract.js';
import type { PushResult } from './push/contract.js';

/** gate: every gate's verdict, as its stage decided it, and whether the image may be pushed. */
export interface Gates {
  passed: boolean;
  gates: Verdict[];
}

/** The gate-bearing stages' verdicts in the order the report shows them; a stage turned off is a skipped gate. */
export function stageVerdicts(results: {
  lint?: { verdict: Verdict };
  scan?: { verdict: Verdict };
  smoke: { verdict: Verdict };
  insight?: { verdicts: Verdict[] };
}): Verdict[] {
  return [
    results.lint?.verdict ?? verdict('lint', 'skipped', 'lint: false'),
    results.scan?.verdict ?? verdict('scan', 'skipped', 'scan: false'),
    results.smoke.verdict,
    ...(results.insight?.verdicts ?? [])
  ];
}

/** Collects the stages' verdicts (pure): no stage's rule is decided again here. */
export function decideGates(verdicts: Verdict[]): Gates {
  return { passed: !verdicts.some(blocks), gates: verdicts };
}

/** Whether the gated image goes out (pure): only when every gate passed and the policy pushes. */
export function pushDecision(
  gates: Gates,
  policy: PushPolicy
): { push: true } | { push: false; why: string } {
  if (!gates.passed) return { push: false, why: 'a gate failed' };
  if (!policy.push) return { push: false, why: policy.reason };
  return { push: true };
}

/** Why the run failed, if it did: an error that stopped it, a failed gate, or a push that went out part-way. */
export function failureOf(report: { error?: string; gates?: Gates; push?: PushResult }): string | undefined {
  const notPushed = report.push?.failed.map(f => f.tag) ?? [];
  if (notPushed.length > 0) {
    const pushed = report.push?.tags.join(', ') || 'nothing';
    return `push failed part-way: not pushed: ${notPushed.join(', ')}; pushed: ${pushed}${report.error ? `; ${report.error}` : ''}`;
  }
  if (report.error) return report.error;
  const failed = report.gates?.gates.filter(blocks) ?? [];
  if (failed.length > 0)
    return `gate failed, nothing pushed: ${failed.map(g => `${g.gate}: ${g.detail}`).join('; ')}`;
  return undefined;
}
