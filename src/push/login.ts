import * as core from '@actions/core';
import { mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from '../common/docker.js';
import { lastLines } from '../common/process.js';
import { configKeys, type DockerConfig } from '../registry/credentials.js';
import { parseImageName } from '../registry/reference.js';
import { saveDockerConfig } from '../action/state.js';
import type { Plan } from '../plan/contract.js';

/** The inputs login reads (named as in Inputs). */
export interface LoginSettings {
  registry: string;
  username: string;
  password: string;
}

/** The registry `username`/`password` are for: `registry`, or the first image's. */
export const loginRegistry = (settings: LoginSettings, plan: Pick<Plan, 'images'>): string =>
  settings.registry || parseImageName(plan.images[0]).registry;

/** Logs in for the run to the registry `username` is for; returns the Docker config dir to use. */
export const logIn = (settings: LoginSettings, plan: Pick<Plan, 'images'>): Promise<string> =>
  login(loginRegistry(settings, plan), settings.username, settings.password);

/**
 * The original Docker config, with an empty credential helper for `registry`: the docker CLI
 * then files this run's login in config.json (of this run's dir, removed by the post step)
 * instead of a credential store shared with other steps, which keep theirs.
 */
async function configFor(original: string, registry: string): Promise<DockerConfig> {
  const config = JSON.parse(await readFile(original, 'utf8').catch(() => '{}')) as DockerConfig;
  const own = Object.fromEntries(configKeys(registry).map(k => [k, '']));
  return config.credsStore || config.credHelpers
    ? { ...config, credHelpers: { ...config.credHelpers, ...own } }
    : config;
}

/**
 * Logs in with the password on stdin into a Docker config dir of this run only, starting from
 * the credentials already configured (e.g. by docker/login-action). Everything else in the
 * original config dir (CLI plugins, buildx builders, contexts) stays reachable through links.
 */
export async function login(registry: string, username: string, password: string): Promise<string> {
  core.setSecret(password);
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'shipshape-docker-config-'));
  saveDockerConfig(dir);
  const original = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  for (const entry of await readdir(original).catch(() => [])) {
    if (entry !== 'config.json') await symlink(path.join(original, entry), path.join(dir, entry));
  }
  const config = await configFor(path.join(original, 'config.json'), registry);
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
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
