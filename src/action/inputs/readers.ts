import * as core from '@actions/core';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { splitPair } from '../../common/key-values.js';

/** How every input is read: the readers and checks `getInputs` applies to each one. */

export type InputReader = (name: string) => string;

/** Reads an input the way @actions/core does, from `INPUT_<NAME>` with hyphens kept. */
export const actionInput: InputReader = name => core.getInput(name);

export function oneOf<T extends string>(
  read: InputReader,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const value = (read(name) || fallback).trim();
  const match = allowed.find(a => a.toLowerCase() === value.toLowerCase());
  if (!match) throw new Error(`input "${name}" must be one of ${allowed.join(', ')}; got "${value}"`);
  return match;
}

export function bool(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name).trim();
  if (value === '') return fallback;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^(false|no|off)$/i.test(value)) return false;
  throw new Error(`input "${name}" must be true or false; got "${value}"`);
}

/** Newline-separated lines, blank ones dropped. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(Boolean);
}

/** Comma- or newline-separated list. */
export function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map(v => v.trim())
    .filter(Boolean);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The bounds of a duration input; timers take at most 2³¹−1 ms, so none may go past 24 days. */
export interface DurationBounds {
  minMs: number;
  maxMs: number;
}

const said = (ms: number): string =>
  ms % 86_400_000 === 0
    ? `${ms / 86_400_000}d`
    : ms % 3_600_000 === 0
      ? `${ms / 3_600_000}h`
      : `${ms / 1000}s`;

/** `60s`, `2m`, `1m30s`, `500ms`, or a bare number of seconds, within the input's bounds. */
export function parseDuration(value: string, name: string, bounds: DurationBounds): number {
  const text = value.trim();
  const parts = /^\d{1,9}(\.\d{1,6})?$/.test(text)
    ? [[text, text, 's']]
    : [...text.matchAll(/(?<![\d.])(\d{1,9}(?:\.\d{1,6})?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map(p => p[0]).join('') !== text) {
    throw new Error(`input "${name}" must be a duration such as 60s, 2m or 1m30s; got "${value}"`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2]] ?? 0), 0);
  if (ms < bounds.minMs || ms > bounds.maxMs) {
    throw new Error(
      `input "${name}" must be between ${said(bounds.minMs)} and ${said(bounds.maxMs)}; got "${value}"`
    );
  }
  return ms;
}

/** Where a path really is: symlinks resolved for the longest part of it that exists. */
function realPath(p: string): string {
  const missing: string[] = [];
  let existing = p;
  while (!existsSync(existing) && path.dirname(existing) !== existing) {
    missing.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(realpathSync(existing), ...missing);
}

/**
 * Resolves a path input inside the workspace; anything that escapes it is refused, by where
 * it really is: a symlink in the repository must not lead the build or the lint outside.
 */
export function insideWorkspace(workspace: string, value: string, name: string): string {
  const resolved = path.resolve(workspace, value);
  const rel = path.relative(realPath(workspace), realPath(resolved));
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new Error(`input "${name}": "${value}" is outside the workspace ${workspace}`);
  }
  return resolved;
}

/**
 * `KEY=VALUE` lines, parsed once here so a bad line fails before anything runs. A bad line is
 * named by its number only: it may be a secret pasted without its key, not yet masked.
 */
export function keyValues(read: InputReader, input: string): Record<string, string> {
  const out: Record<string, string> = {};
  lines(read(input)).forEach((line, i) => {
    const pair = splitPair(line);
    if (!pair) throw new Error(`input "${input}": line ${i + 1} is not KEY=VALUE`);
    out[pair[0]] = pair[1];
  });
  return out;
}
