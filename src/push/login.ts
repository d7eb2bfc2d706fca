import * as core from '@actions/core';
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from '../docker.js';
import { lastLines } from '../process.js';
import { saveDockerConfig } from '../state.js';

/**
 * Logs in with the password on stdin into a Docker config dir of this run only, starting
 * from the credentials already configured (e.g. by docker/login-action).
 */
export async function login(registry: string, username: string, password: string): Promise<string> {
  core.setSecret(password);
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'shipshape-docker-config-'));
  saveDockerConfig(dir);
  const existing = path.join(process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
  await copyFile(existing, path.join(dir, 'config.json')).catch(() => undefined);
  const args = ['--config', dir, 'login', '--username', username, '--password-stdin'];
  if (registry !== 'docker.io') args.push(registry);
  const result = await docker(args, { input: Buffer.from(password) });
  if (result.exitCode !== 0) {
    throw new Error(
      `docker login to ${registry} as ${username} failed: ${lastLines(result.stderr || result.stdout, 1)}`
    );
  }
  return dir;
}
