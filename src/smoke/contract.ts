/** smoke: whether the image ran healthy, and the evidence when it did not. */
import type { Verdict } from '../common/verdict.js';

export type Health = 'healthy' | 'unhealthy' | 'no-healthcheck' | 'skipped';

export type SmokeModeKind = 'healthcheck' | 'health-cmd' | 'http' | 'stability';

/** smoke: whether the image ran healthy, and the evidence when it did not. */
export interface SmokeResult {
  health: Health;
  verdict: Verdict;
  mode: SmokeModeKind | 'skipped';
  /** Container start to healthy (or to the end of the stability window). */
  timeToHealthyMs?: number;
  /** From the daemon's health event to this decision. */
  decisionLatencyMs?: number;
  message: string;
  /** What the failure looked like: probe outputs, logs, exit code. */
  evidence?: string;
}
