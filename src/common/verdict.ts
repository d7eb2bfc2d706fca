/**
 * What every gate-bearing stage returns about its gate: lint, scan, smoke test, and what this
 * change does against the baseline (size, new findings). The gate only collects these.
 */

/** `error`: the check could not run, which holds the image back like a failure. */
export type VerdictStatus = 'passed' | 'failed' | 'skipped' | 'error';

export interface Verdict {
  gate: string;
  status: VerdictStatus;
  detail: string;
}

export const verdict = (gate: string, status: VerdictStatus, detail: string): Verdict => ({
  gate,
  status,
  detail
});

/** Whether a verdict keeps the image from being pushed. */
export const blocks = (v: Verdict): boolean => v.status === 'failed' || v.status === 'error';
