import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { blocks, verdict, type Verdict, type VerdictStatus } from '../src/common/verdict.js';
import { decideGates, failureOf, pushDecision, stageVerdicts } from '../src/gate.js';
import type { PushPolicy } from '../src/plan/contract.js';
import type { PushResult } from '../src/push/contract.js';

const STATUSES: VerdictStatus[] = ['passed', 'failed', 'skipped', 'error'];
const verdicts = fc.array(
  fc.record({ gate: fc.string(), status: fc.constantFrom(...STATUSES), detail: fc.string() }),
  { maxLength: 8 }
);
const policies = fc.record({ push: fc.boolean(), reason: fc.string() });
const PUSHING: PushPolicy = { push: true, reason: 'push event' };

describe('the push decision', () => {
  test('nothing is pushed while any verdict failed or errored, whatever the policy', () => {
    fc.assert(
      fc.property(verdicts, policies, (list, policy) => {
        const decision = pushDecision(decideGates(list), policy);
        const held = list.some(v => v.status === 'failed' || v.status === 'error');
        expect(decision.push).toBe(!held && policy.push);
      }),
      { numRuns: 1000 }
    );
  });

  test('a gate that could not decide (error) holds the image back like a failure', () => {
    const gates = decideGates([verdict('scan', 'error', 'Trivy could not run')]);
    expect(gates.passed).toBe(false);
    expect(pushDecision(gates, PUSHING)).toEqual({ push: false, why: 'a gate failed' });
  });

  test('skipped gates let the image through; the policy then says why it stays', () => {
    const gates = decideGates([
      verdict('lint', 'skipped', 'lint: false'),
      verdict('smoke', 'passed', 'healthy')
    ]);
    expect(pushDecision(gates, PUSHING)).toEqual({ push: true });
    expect(pushDecision(gates, { push: false, reason: 'dry-run: nothing is pushed' })).toEqual({
      push: false,
      why: 'dry-run: nothing is pushed'
    });
  });

  test('the gate keeps every verdict as the stage gave it, in order', () => {
    fc.assert(
      fc.property(verdicts, list => {
        expect(decideGates(list).gates).toEqual(list);
      })
    );
  });
});

describe('the verdicts the gate collects', () => {
  const smoke = { verdict: verdict('smoke test', 'passed', 'healthy') };

  test('a stage turned off is a skipped gate that says which input turned it off', () => {
    expect(stageVerdicts({ smoke })).toEqual([
      verdict('lint', 'skipped', 'lint: false'),
      verdict('scan', 'skipped', 'scan: false'),
      smoke.verdict
    ]);
  });

  test("each stage's own verdicts, the insight's after the smoke test's", () => {
    const lint = { verdict: verdict('lint', 'failed', '1 error') };
    const scan = { verdict: verdict('scan', 'passed', 'no findings') };
    const insight = {
      verdicts: [verdict('size', 'failed', '+20%'), verdict('new findings', 'passed', '0 new')]
    };
    expect(stageVerdicts({ lint, scan, smoke, insight }).map(v => v.gate)).toEqual([
      'lint',
      'scan',
      'smoke test',
      'size',
      'new findings'
    ]);
  });
});

describe('why the run failed', () => {
  const gates = (...list: Verdict[]) => decideGates(list);
  const push = (tags: string[], failed: string[]): PushResult => ({
    pushed: tags.length > 0,
    tags,
    failed: failed.map(tag => ({ tag, reason: 'denied' })),
    digests: {},
    unchanged: [],
    withheld: [],
    durationMs: 0
  });

  test('nothing failed: no failure', () => {
    expect(failureOf({ gates: gates(verdict('scan', 'passed', 'ok')) })).toBeUndefined();
  });

  test('a failed gate names each blocking gate and its detail, and says nothing was pushed', () => {
    expect(
      failureOf({
        gates: gates(
          verdict('lint', 'passed', 'ok'),
          verdict('scan', 'failed', '1 CRITICAL'),
          verdict('size', 'error', 'no sizes')
        )
      })
    ).toBe('gate failed, nothing pushed: scan: 1 CRITICAL; size: no sizes');
  });

  test('an error that stopped the run is the failure, before any gate', () => {
    expect(failureOf({ error: 'the build failed', gates: gates(verdict('scan', 'failed', 'x')) })).toBe(
      'the build failed'
    );
  });

  test('a push that went out part-way names what went out and what did not, and the error', () => {
    expect(failureOf({ push: push(['app:1'], ['app:latest']), error: 'registry down' })).toBe(
      'push failed part-way: not pushed: app:latest; pushed: app:1; registry down'
    );
    expect(failureOf({ push: push([], ['app:1']) })).toBe(
      'push failed part-way: not pushed: app:1; pushed: nothing'
    );
  });

  test('only failed and error verdicts block', () => {
    expect(STATUSES.filter(s => blocks(verdict('g', s, '')))).toEqual(['failed', 'error']);
  });
});
