import * as core from '@actions/core';
import { rm } from 'node:fs/promises';
import { docker } from '../../common/docker.js';
import { messageOf } from '../../common/errors.js';
import { inertSpan, logUntrusted, redact } from '../../common/untrusted.js';
import { buildCommand, type BuildRequest } from '../command.js';
import { parseBuildFailure } from './failure.js';
import type { Builder, CacheUpload } from '../contract.js';

/** The build's docker call as the step log shows it: its group, inert, closed once the image is stored. */

const BUILDER_NOTE: Record<Builder['kind'], string> = {
  buildx: 'BuildKit via docker buildx',
  buildkit: 'BuildKit built into the Docker CLI (DOCKER_BUILDKIT=1)',
  classic: 'the classic builder'
};

/** A build's docker call, or as much of it as ran when its image reached the store. */
export interface BuildRun {
  exitCode: number;
  log: string;
  /** Where the call went on past its image (BuildKit writing the cache export): its end, and what it printed meanwhile. */
  rest?: Promise<{ exitCode: number; log: string }>;
}

/**
 * Whether a progress line ends the step that puts the image into the docker store (`--load` on
 * the docker driver): after it, only the cache export is left.
 */
export function imageStored(): (line: string) => boolean {
  let step: string | undefined;
  return line => {
    step ??= /^(#\d+) exporting to image$/.exec(line)?.[1];
    return step !== undefined && line.startsWith(`${step} DONE`);
  };
}

/**
 * Runs the build in its log group. `early`: returns as soon as the image is in the store,
 * closing the group there; the rest of the call goes into `rest`.
 */
export async function runBuild(request: BuildRequest, builder: Builder, early = false): Promise<BuildRun> {
  const command = buildCommand(request, builder);
  core.startGroup(`Build with ${BUILDER_NOTE[builder.kind]}`);
  // The build's output comes from the Dockerfile and the context: inert in the log.
  const span = inertSpan();
  const lines: string[] = [];
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    span.end();
    core.endGroup();
  };
  const stored = early ? imageStored() : () => false;
  // How many lines had come when the image was in the store: the rest belongs to the cache export.
  let storedAt = 0;
  let imageIn: () => void = () => undefined;
  const inStore = new Promise<undefined>(resolve => (imageIn = () => resolve(undefined)));
  const exit = docker(command.args, {
    env: command.env,
    onLine: line => {
      lines.push(line);
      if (!open) return;
      span.write(line);
      if (!stored(line)) return;
      storedAt = lines.length;
      close();
      imageIn();
    }
  }).finally(close);
  const exited = await Promise.race([exit, inStore]);
  if (exited) return { exitCode: exited.exitCode, log: lines.join('\n') };
  const rest = exit.then(r => ({ exitCode: r.exitCode, log: lines.slice(storedAt).join('\n') }));
  return { exitCode: 0, log: lines.slice(0, storedAt).join('\n'), rest };
}

/**
 * The end of a build that returned with its image in the store: its cache export, printed in a
 * group of its own once done and handed to `complete`; false (and a warning) when it failed,
 * what it had written removed.
 */
export async function cacheWritten(
  rest: NonNullable<BuildRun['rest']>,
  complete: (log: string) => void,
  exports: CacheUpload[]
): Promise<boolean> {
  try {
    const { exitCode, log } = await rest;
    complete(log);
    core.startGroup('Build cache export');
    logUntrusted(log);
    core.endGroup();
    if (exitCode === 0) return true;
    core.warning(
      redact(
        `Build cache not written (${parseBuildFailure(log).error}): the image is built, its cache not saved`
      )
    );
  } catch (error) {
    core.warning(redact(`Build cache not written: ${messageOf(error)}`));
  }
  await removeExports(exports);
  return false;
}

/** What a failed cache export wrote: half an export is of no use, and it holds the runner's disk (up to the image's layers). */
export async function removeExports(exports: CacheUpload[]): Promise<void> {
  await Promise.all(exports.flatMap(({ dir }) => (dir ? [rm(dir, { recursive: true, force: true })] : [])));
}
