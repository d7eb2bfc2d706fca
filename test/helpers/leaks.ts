import { expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { RUN_LABEL } from '../../src/docker.js';
import type { ActionRun } from './action.js';
import { containersWithLabel } from './docker.js';
import { readRunnerLog } from './runner-log.js';

/** Realistic secrets for the e2e runs: shaped like the real ones, so shape-based redaction is exercised too. */
export const GITHUB_TOKEN = `ghs_${'Zq8v'.repeat(9)}`;
export const DB_PASSWORD = 'Db-pa55word-e2e';
export const SMOKE_SECRET_ENV = `DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app`;

/** Every file a run leaves for users: the JSON report and the SARIF. */
async function filesOf(run: ActionRun): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of ['report', 'sarif']) {
    const file = run.outputs[name];
    if (file && existsSync(file)) files[name] = await readFile(file, 'utf8');
  }
  return files;
}

/**
 * Asserts what every e2e scenario must hold: none of `secrets` in what the runner shows of
 * stdout, in stderr, the job summary, the outputs, the report, the SARIF or anything sent to
 * GitHub; the runner acts on no workflow command that came from the image or the build (their
 * text carries `forged`); and the run left no container behind.
 */
export async function expectNothingLeaked(
  run: ActionRun,
  secrets: string[],
  sentToGitHub: unknown[] = []
): Promise<void> {
  const log = readRunnerLog(run.stdout);
  const places: Record<string, string> = {
    'step log': log.shown.join('\n'),
    stderr: run.stderr,
    'job summary': run.summary,
    outputs: JSON.stringify(run.outputs),
    'GitHub API': JSON.stringify(sentToGitHub),
    ...(await filesOf(run))
  };
  const leaks = Object.entries(places).flatMap(([where, text]) =>
    secrets.filter(s => text.includes(s)).map(s => `${s.slice(0, 4)}… in the ${where}`)
  );
  expect(leaks).toEqual([]);
  expect(log.commands.filter(c => c.line.includes('forged'))).toEqual([]);
  // Runs refused before they start (bad inputs) have no label and started nothing.
  const label = run.state['run-label'];
  if (label) expect(await containersWithLabel(`${RUN_LABEL}=${label}`)).toEqual([]);
}
