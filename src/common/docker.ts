import { lastLines, runProcess, type ProcessOptions, type ProcessResult } from './process.js';

export type DockerOptions = Pick<ProcessOptions, 'env' | 'input' | 'onLine' | 'signal'>;

/** Runs the `docker` CLI found on PATH; never throws on a non-zero exit. */
export async function docker(args: string[], options: DockerOptions = {}): Promise<ProcessResult> {
  try {
    return await runProcess('docker', args, options);
  } catch (error) {
    // Only a CLI that cannot be started at all ends up here.
    throw new Error(`cannot run docker: ${(error as Error).message}. Is Docker installed on this runner?`);
  }
}

/** Like docker(), but a non-zero exit is an error carrying the CLI's own message. */
export async function dockerOk(args: string[], options: DockerOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `docker ${args[0]} failed (exit ${result.exitCode}): ${lastLines(result.stderr || result.stdout, 5)}`
    );
  }
  return result.stdout;
}

/** The label every container Shipshape starts carries; the post step removes by it. */
export const RUN_LABEL = 'io.shipshape.run';

/** Where the smoke test writes its `--env-file` (0600, it holds smoke-env secrets) under RUNNER_TEMP. */
export const SMOKE_ENV_DIR_PREFIX = 'shipshape-smoke-';

/** Removes every container a run left behind (post step; cancellation, crashes). */
export async function removeRunContainers(label: string): Promise<number> {
  const list = await docker(['ps', '--all', '--quiet', '--filter', `label=${RUN_LABEL}=${label}`]);
  const ids = list.stdout
    .split('\n')
    .map(s => s.trim())
    .filter(Boolean);
  if (ids.length > 0) await docker(['rm', '--force', '--volumes', ...ids]);
  return ids.length;
}
