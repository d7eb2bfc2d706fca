import { readFile } from 'node:fs/promises';
import { verdict } from '../common/verdict.js';
import path from 'node:path';
import { lintDockerfile, type LintIssue } from './checks.js';
import type { LintResult, LintSeverity } from './contract.js';

const RANK: Record<LintSeverity, number> = { info: 1, warning: 2, error: 3 };

/** Judges the findings against `lint-fail-on`: each one knows whether it blocks, and so does the result. */
export function lintVerdict(issues: LintIssue[], failOn: LintSeverity | 'none'): LintResult {
  const findings = issues.map(f => ({
    ...f,
    blocking: failOn !== 'none' && RANK[f.severity] >= RANK[failOn]
  }));
  const failed = findings.some(f => f.blocking);
  const detail = failed
    ? `findings at or above lint-fail-on=${failOn}`
    : findings.length === 0
      ? 'no findings'
      : `${findings.length} finding(s), none at or above lint-fail-on=${failOn}`;
  return { findings, verdict: verdict('lint', failed ? 'failed' : 'passed', detail) };
}

/** The inputs the lint stage reads (named as in Inputs). */
export interface LintSettings {
  file: string;
  context: string;
  target: string;
  lintIgnore: string[];
  lintFailOn: LintSeverity | 'none';
}

const readOptional = (file: string): Promise<string | undefined> =>
  readFile(file, 'utf8').catch(() => undefined);

/** Reads the Dockerfile and the .dockerignore the builder will use, and lints them. */
export async function lintStage(settings: LintSettings): Promise<LintResult> {
  const { file, context } = settings;
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read the Dockerfile ${file}: ${error.message}`);
  });
  // BuildKit prefers <Dockerfile>.dockerignore next to the Dockerfile over the context's one.
  const dockerignore =
    (await readOptional(`${file}.dockerignore`)) ?? (await readOptional(path.join(context, '.dockerignore')));
  const issues = lintDockerfile(text, {
    dockerignore,
    ignore: settings.lintIgnore,
    target: settings.target || undefined
  });
  return lintVerdict(issues, settings.lintFailOn);
}
