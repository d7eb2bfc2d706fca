import { readFile } from 'node:fs/promises';
import { verdict } from '../common/verdict.js';
import path from 'node:path';
import { parseDockerfile } from '../dockerfile/parse.js';
import { buildkitChecks, checkIssues, type CheckSettings } from './buildkit-checks.js';
import { ignoring, lintParsed, type LintIssue } from './rules/checks.js';
import { hadolintIgnored } from './hadolint-config.js';
import type { LintResult, LintSeverity } from './contract.js';
import type { Builder, CheckWarning } from '../builder/contract.js';

const RANK: Record<LintSeverity, number> = { info: 1, warning: 2, error: 3 };

/** Judges the findings against `lint-fail-on`: each one knows whether it blocks, and so does the result. */
export function lintVerdict(
  issues: LintIssue[],
  failOn: LintSeverity | 'none',
  buildkitChecks?: string
): LintResult {
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
  return { findings, verdict: verdict('lint', failed ? 'failed' : 'passed', detail), buildkitChecks };
}

/** The inputs the lint stage reads (named as in Inputs). */
export interface LintSettings extends CheckSettings {
  workspace: string;
  /** A dry run calls no docker: BuildKit's checks wait for a real run. */
  dryRun: boolean;
  lintIgnore: string[];
  lintFailOn: LintSeverity | 'none';
}

const readOptional = (file: string): Promise<string | undefined> =>
  readFile(file, 'utf8').catch(() => undefined);

/**
 * Reads the Dockerfile and the .dockerignore the builder will use, and lints them with
 * Shipshape's rules and BuildKit's build checks: `reported` is what the build reports of those.
 */
export async function lintStage(
  settings: LintSettings,
  builder: Promise<Builder> | undefined,
  reported?: Promise<CheckWarning[] | undefined>
): Promise<LintResult> {
  const { file, context } = settings;
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read the Dockerfile ${file}: ${error.message}`);
  });
  const doc = parseDockerfile(text);
  const checks =
    settings.dryRun || !builder
      ? Promise.resolve({ skipped: 'not run in a dry run (it calls no docker)' })
      : buildkitChecks(settings, builder, doc, reported);
  // BuildKit prefers <Dockerfile>.dockerignore next to the Dockerfile over the context's one.
  const dockerignore =
    (await readOptional(`${file}.dockerignore`)) ?? (await readOptional(path.join(context, '.dockerignore')));
  const hadolint =
    (await readOptional(path.join(settings.workspace, '.hadolint.yaml'))) ??
    (await readOptional(path.join(settings.workspace, '.hadolint.yml')));
  const ignore = [...settings.lintIgnore, ...hadolintIgnored(hadolint ?? '')];
  const own = lintParsed(doc, { dockerignore, ignore, target: settings.target || undefined });
  const checked = await checks;
  if ('skipped' in checked)
    return lintVerdict(own, settings.lintFailOn, `BuildKit's build checks ${checked.skipped}`);
  const ignored = ignoring(doc, ignore);
  const theirs = checkIssues(checked.warnings, own).filter(f => !ignored([f.rule, f.name], f.line));
  const issues = [...own, ...theirs].sort((a, b) => a.line - b.line);
  const by = checked.by === 'build' ? 'as the build reported them' : 'from a check call of their own';
  const counted = `BuildKit's build checks: ${theirs.length} finding${theirs.length === 1 ? '' : 's'}, ${by}`;
  return lintVerdict(issues, settings.lintFailOn, counted);
}
