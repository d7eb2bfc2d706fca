import * as core from '@actions/core';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { removeRunContainers, SMOKE_ENV_DIR_PREFIX } from '../common/docker.js';
import { savedDockerConfig, savedRunLabel } from './state.js';

/** The post step: removes what the main step left behind. Each task only warns on failure. */
export async function post(): Promise<void> {
  const label = savedRunLabel();
  if (label) {
    try {
      const removed = await removeRunContainers(label);
      if (removed > 0) core.info(`Removed ${removed} container(s) left by this run`);
    } catch (error) {
      core.warning(`cleanup of containers: ${(error as Error).message}`);
    }
  }
  // A main step killed between writing the smoke test's env file and removing it leaves the file.
  const temp = process.env.RUNNER_TEMP;
  if (temp) {
    const left = (await readdir(temp).catch(() => [])).filter(name => name.startsWith(SMOKE_ENV_DIR_PREFIX));
    await Promise.all(left.map(name => rm(path.join(temp, name), { recursive: true, force: true })));
  }
  const dockerConfig = savedDockerConfig();
  if (dockerConfig) {
    // The temporary Docker config holds this run's registry credentials.
    await rm(dockerConfig, { recursive: true, force: true }).catch((error: Error) =>
      core.warning(`cleanup of registry credentials: ${error.message}`)
    );
  }
}
