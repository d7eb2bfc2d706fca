import * as core from '@actions/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from '../docker.js';
import type { Builder, BuildResult, Plan } from '../results.js';
import { detectBuilder } from './builder.js';
import { buildCommand } from './command.js';
import { describeBuildFailure, failingLine, parseBuildFailure } from './failure.js';

/** The inputs the build reads (named as in Inputs). */
export interface BuildSettings {
  context: string;
  file: string;
  buildArgs: Record<string, string>;
  target: string;
  platforms: string[];
  noCache: boolean;
}

const BUILDER_NOTE: Record<Builder['kind'], string> = {
  buildx: 'BuildKit via docker buildx',
  buildkit: 'BuildKit built into the Docker CLI (DOCKER_BUILDKIT=1)',
  classic: 'the classic builder'
};

/** Builds the image once, with every tag and label of the plan, and returns its local id. */
export async function buildImage(settings: BuildSettings, plan: Plan): Promise<BuildResult> {
  const builder = await detectBuilder();
  if (builder.kind === 'classic') {
    core.warning(
      `Docker CLI ${builder.client} has no buildx and no built-in BuildKit: building with the classic builder. ` +
        'Install docker buildx (as on GitHub-hosted runners) for BuildKit caching and multi-platform builds.'
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-build-'));
  const iidFile = path.join(dir, 'iid');
  const started = Date.now();
  try {
    const command = buildCommand({ ...settings, tags: plan.tags, labels: plan.labels }, builder, iidFile);
    const result = await core.group(`Build with ${BUILDER_NOTE[builder.kind]}`, () =>
      docker(command.args, { env: command.env, onLine: line => core.info(line) })
    );
    if (result.exitCode !== 0) {
      const failure = parseBuildFailure(`${result.stdout}\n${result.stderr}`);
      throw new Error(
        describeBuildFailure(failure, await failingLine(settings.file, failure), settings.file)
      );
    }
    const imageId = (await readFile(iidFile, 'utf8')).trim();
    const size = await docker(['image', 'inspect', '--format', '{{.Size}}', imageId]);
    const sizeBytes = size.exitCode === 0 ? Number(size.stdout.trim()) : undefined;
    return { imageId, sizeBytes, builder, durationMs: Date.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
