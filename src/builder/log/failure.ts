import { readFile } from 'node:fs/promises';
import path from 'node:path';

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
export async function failingLine(file: string, failure: BuildFailure): Promise<number | undefined> {
  if (!failure.step) return undefined;
  const text = await readFile(file, 'utf8').catch(() => '');
  const { findInstruction, parseDockerfile } = await import('../../dockerfile/parse.js');
  return findInstruction(parseDockerfile(text), failure.step, failure.stage)?.line;
}
