import * as core from '@actions/core';
import { appendFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomHex } from '../common/lazy-crypto.js';

/**
 * What the main step hands to the post step. Each value is saved by one setter and read back
 * by its getter here, so the two steps cannot drift apart.
 */
const KEYS = { isPost: 'isPost', runLabel: 'run-label', dockerConfig: 'docker-config' } as const;

export const isPost = (): boolean => core.getState(KEYS.isPost) === 'true';
export function markMainStarted(env = process.env): void {
  // The state file's one-line form: core.saveState would load node:crypto first (about 6 ms, before
  // the first docker call) for a random delimiter, which a constant value does not need.
  if (env.GITHUB_STATE) appendFileSync(env.GITHUB_STATE, `${KEYS.isPost}=true${os.EOL}`);
  else core.saveState(KEYS.isPost, 'true');
}

/** A label value unique to this job run, saved before any container exists. */
export function newRunLabel(env = process.env): string {
  const label = [env.GITHUB_RUN_ID ?? 'local', env.GITHUB_RUN_ATTEMPT ?? '1', randomHex(4)].join('-');
  core.saveState(KEYS.runLabel, label);
  return label;
}
export const savedRunLabel = (): string => core.getState(KEYS.runLabel);

export interface RunContext {
  /** Labels this run's containers, so the post step can find them. */
  label: string;
  /** Where this run writes its files (reports, SARIF). */
  outputDir: string;
}

export async function startRun(): Promise<RunContext> {
  const label = newRunLabel();
  const outputDir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), `shipshape-${label}`);
  await mkdir(outputDir, { recursive: true });
  return { label, outputDir };
}

export function saveDockerConfig(dir: string): void {
  core.saveState(KEYS.dockerConfig, dir);
}
export const savedDockerConfig = (): string => core.getState(KEYS.dockerConfig);
