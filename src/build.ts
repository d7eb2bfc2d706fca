import * as core from '@actions/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker, type Builder } from './docker.js';

export interface BuildRequest {
  context: string;
  file: string;
  tags: string[];
  labels: string[];
  buildArgs: string[];
  target: string;
  platforms: string[];
  noCache: boolean;
}

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
}

/** The docker CLI invocation for a build with the given builder (pure). */
export function buildCommand(req: BuildRequest, builder: Builder, iidFile: string): BuildCommand {
  if (req.platforms.length > 0 && builder.kind !== 'buildx') {
    throw new Error(
      `input "platforms" needs docker buildx, which this runner's Docker CLI ${builder.client} lacks`
    );
  }
  const args = builder.kind === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
  if (builder.kind !== 'classic') args.push('--progress=plain');
  args.push('--iidfile', iidFile, '--file', req.file);
  for (const tag of req.tags) args.push('--tag', tag);
  for (const label of req.labels) args.push('--label', label);
  for (const arg of req.buildArgs) args.push('--build-arg', arg);
  if (req.target) args.push('--target', req.target);
  if (req.platforms.length > 0) args.push('--platform', req.platforms.join(','));
  if (req.noCache) args.push('--no-cache');
  args.push(req.context);
  const env: Record<string, string> =
    builder.kind === 'buildx' ? {} : { DOCKER_BUILDKIT: builder.kind === 'buildkit' ? '1' : '0' };
  return { args, env };
}

export interface BuildFailure {
  /** The instruction that failed as the builder printed it, e.g. `RUN make`. */
  step: string | undefined;
  stage: string | undefined;
  /** The builder's closing error line. */
  error: string;
  /** The last lines the failing step printed. */
  output: string[];
}

const TAIL = 20;

/** Picks the failing step and its last output out of a BuildKit (plain) or classic build log. */
export function parseBuildFailure(log: string): BuildFailure {
  const lines = log.split(/\r?\n/);
  const errorIndex = lines.findLastIndex(l => /^#\d+ ERROR:/.test(l));
  if (errorIndex >= 0) {
    const id = /^#(\d+)/.exec(lines[errorIndex])?.[1] ?? '';
    const prefix = `#${id} `;
    const header = lines.find(l => l.startsWith(prefix) && /^#\d+ \[/.test(l)) ?? '';
    const m = /^#\d+ \[(?:([^\]\s]+) )?\d+\/\d+\] (.*)$/.exec(header);
    const output = lines
      .filter((l, i) => i < errorIndex && l.startsWith(prefix) && /^#\d+ \d+\.\d+ /.test(l))
      .map(l => l.replace(/^#\d+ \d+\.\d+ /, ''));
    return {
      step: m?.[2],
      stage: m?.[1],
      error: lines[errorIndex].replace(/^#\d+ ERROR: /, ''),
      output: output.slice(-TAIL)
    };
  }
  const stepIndex = lines.findLastIndex(l => /^Step \d+\/\d+ : /.test(l));
  const error =
    lines.findLast(l => /returned a non-zero code|^ERROR|^error|failed to/i.test(l.trim()))?.trim() ??
    lines.filter(l => l.trim()).pop() ??
    'unknown error';
  if (stepIndex >= 0) {
    const output = lines
      .slice(stepIndex + 1)
      .filter(
        l => l.trim() && !/^ ---> |^Removing intermediate|DEPRECATED|^\s{4,}\S/.test(l) && l.trim() !== error
      );
    return {
      step: lines[stepIndex].replace(/^Step \d+\/\d+ : /, ''),
      stage: undefined,
      error,
      output: output.slice(-TAIL)
    };
  }
  return { step: undefined, stage: undefined, error, output: lines.filter(l => l.trim()).slice(-TAIL) };
}

/** One message naming the instruction, its Dockerfile line and its last output lines. */
export function describeBuildFailure(failure: BuildFailure, line: number | undefined, file: string): string {
  const at = failure.step
    ? `${failure.step.replace(/\s+/g, ' ').trim()}${line ? ` (${path.basename(file)} line ${line})` : ''}`
    : 'an unknown step';
  const tail = failure.output.length > 0 ? `\nLast output:\n${failure.output.join('\n')}` : '';
  return `build failed at ${at}: ${failure.error}${tail}`;
}

/** The Dockerfile line of the failing step; the parser is only loaded on this path. */
async function failingLine(file: string, failure: BuildFailure): Promise<number | undefined> {
  if (!failure.step) return undefined;
  const text = await readFile(file, 'utf8').catch(() => '');
  const { findInstruction, parseDockerfile } = await import('./dockerfile.js');
  return findInstruction(parseDockerfile(text), failure.step, failure.stage)?.line;
}

export interface BuildResult {
  imageId: string;
  sizeBytes?: number;
  builder: Builder;
  durationMs: number;
}

const BUILDER_NOTE: Record<Builder['kind'], string> = {
  buildx: 'BuildKit via docker buildx',
  buildkit: 'BuildKit built into the Docker CLI (DOCKER_BUILDKIT=1)',
  classic: 'the classic builder'
};

/** Builds the image once, with every tag, and returns its local id. */
export async function buildImage(req: BuildRequest, builder: Builder): Promise<BuildResult> {
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
    const command = buildCommand(req, builder, iidFile);
    const result = await core.group(`Build with ${BUILDER_NOTE[builder.kind]}`, () =>
      docker(command.args, { env: command.env, stream: true })
    );
    if (result.exitCode !== 0) {
      const failure = parseBuildFailure(`${result.stdout}\n${result.stderr}`);
      throw new Error(describeBuildFailure(failure, await failingLine(req.file, failure), req.file));
    }
    const imageId = (await readFile(iidFile, 'utf8')).trim();
    const size = await docker(['image', 'inspect', '--format', '{{.Size}}', imageId]);
    const sizeBytes = size.exitCode === 0 ? Number(size.stdout.trim()) : undefined;
    return { imageId, sizeBytes, builder, durationMs: Date.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
