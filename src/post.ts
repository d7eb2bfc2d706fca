import * as core from '@actions/core';

/** The post step: removes what the main step left behind. Never fails the job. */
export async function post(): Promise<void> {
  try {
    core.debug('Shipshape post step: nothing to clean up');
    await Promise.resolve();
  } catch (error) {
    core.warning(`cleanup: ${(error as Error).message}`);
  }
}

await post();
