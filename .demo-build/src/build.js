import * as core from '@actions/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from './docker.js';
import { findInstruction, parseDockerfile, squash } from './dockerfile.js';
/** The docker CLI invocation for a build with the given builder (pure). */
export function buildCommand(req, builder, iidFile) {
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
  const env = builder.kind === 'buildx' ? {} : { DOCKER_BUILDKIT: builder.kind === 'buildkit' ? '1' : '0' };
  return { args, env };
}
const TAIL = 20;
/** Picks the failing step and its last output out of a BuildKit (plain) or classic build log. */
export function parseBuildFailure(log) {
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
export function describeBuildFailure(failure, dockerfileText, file) {
  const where = failure.step
    ? findInstruction(parseDockerfile(dockerfileText), failure.step, failure.stage)
    : undefined;
  const at = failure.step
    ? `${squash(failure.step)}${where ? ` (${path.basename(file)} line ${where.line})` : ''}`
    : 'an unknown step';
  const tail = failure.output.length > 0 ? `\nLast output:\n${failure.output.join('\n')}` : '';
  return `build failed at ${at}: ${failure.error}${tail}`;
}
const BUILDER_NOTE = {
  buildx: 'BuildKit via docker buildx',
  buildkit: 'BuildKit built into the Docker CLI (DOCKER_BUILDKIT=1)',
  classic: 'the classic builder'
};
/** Builds the image once, with every tag, and returns its local id. */
export async function buildImage(req, builder) {
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
      const dockerfileText = await readFile(req.file, 'utf8').catch(() => '');
      const failure = parseBuildFailure(`${result.stdout}\n${result.stderr}`);
      throw new Error(describeBuildFailure(failure, dockerfileText, req.file));
    }
    const imageId = (await readFile(iidFile, 'utf8')).trim();
    const size = await docker(['image', 'inspect', '--format', '{{.Size}}', imageId]);
    const sizeBytes = size.exitCode === 0 ? Number(size.stdout.trim()) : undefined;
    return { imageId, sizeBytes, builder, durationMs: Date.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
