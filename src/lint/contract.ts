/** lint: the Dockerfile's findings and the lint gate's verdict. */
import type { Verdict } from '../common/verdict.js';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  rule: string;
  name: string;
  severity: LintSeverity;
  line: number;
  message: string;
  fix: string;
  /** At or above `lint-fail-on`: this finding fails the lint gate. */
  blocking: boolean;
}

/** lint: the findings and the lint gate's verdict. */
export interface LintResult {
  findings: LintFinding[];
  verdict: Verdict;
  /** What BuildKit's build checks added, or why they did not run. */
  buildkitChecks?: string;
}
