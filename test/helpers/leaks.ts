import { expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RUN_LABEL } from '../../src/common/docker.js';
import type { ActionRun } from './action.js';
import { containersWithLabel } from './docker.js';
import { FORGED } from './plant.js';
import { readRunnerLog } from './runner-log.js';

/** Realistic secrets for the e2e runs: shaped like the real ones, so shape-based redaction is exercised too. */
export const GITHUB_TOKEN = `ghs_${'Zq8v'.repeat(9)}`;
export const DB_PASSWORD = 'Db-pa55word-e2e';
export const SMOKE_SECRET_ENV = `DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app`;

/** What a workflow command's data or property escapes, decoded as the runner decodes it. */
const unescapeCommand = (text: string): string =>
  text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');

/** Every file a run leaves under its runner temp dir for users (reports, SARIF, SBOMs), by path. */
async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    // The runner's own files are read as channels of their own; a login's Docker config holds the
    // credentials by design (base64, and the post step removes it).
    if (!entry.isFile() || /shipshape-docker-config-/.test(file)) continue;
    if ((await stat(file)).size > 64 * 1024 * 1024) continue;
    out[path.relative(dir, file)] = await readFile(file, 'latin1');
  }
  return out;
}

/**
 * Everything a registry stored: every blob (layers uncompressed) and manifest, as one text per
 * file. What a run pushed is the body of every write it sent.
 */
export async function registryContents(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(root, file)] = await storedText(file);
  }
  return out;
}

/**
 * Blob texts by digest. The registry stores a blob under its sha256 only once the bytes match it,
 * and every e2e run pushes the same base layers again: reading and unzipping them once per test
 * file (jest gives each its own modules) rather than once per run takes seconds off every e2e test.
 */
const blobTexts = new Map<string, string>();
const BLOB_DATA = /\/blobs\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\/data$/;

/** A stored file as text, a gzipped layer uncompressed. */
async function storedText(file: string): Promise<string> {
  const digest = BLOB_DATA.exec(file)?.[1];
  const known = digest === undefined ? undefined : blobTexts.get(digest);
  if (known !== undefined) return known;
  let bytes = await readFile(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = bytes.toString('latin1');
  if (digest) blobTexts.set(digest, text);
  return text;
}

/** Every channel one run writes to, by name: its whole text. */
export interface Channels {
  [where: string]: string;
}

export interface Sinks {
  /** Bodies of every request the run sent to the GitHub API. */
  github?: unknown[];
  /** The storage directories of every registry the run could write to. */
  registries?: string[];
}

/** The channels of a finished run: stdout (every line, commands decoded), stderr, summary, outputs, files, GitHub, registries. */
export async function channelsOf(run: ActionRun, sinks: Sinks = {}): Promise<Channels> {
  const log = readRunnerLog(run.stdout);
  // A mask registration is the one place a secret belongs: the runner hides it and every later use.
  const commands = log.commands.filter(c => c.name !== 'add-mask').map(c => c.line);
  const channels: Channels = {
    stdout: [...log.shown, ...commands].join('\n'),
    'workflow commands (decoded)': commands.map(unescapeCommand).join('\n'),
    stderr: run.stderr,
    'job summary': run.summary,
    outputs: JSON.stringify(run.outputs),
    'GitHub API': JSON.stringify(sinks.github ?? [])
  };
  // The temp dir also holds the runner's command files (outputs, summary, state): read above.
  const files = await filesUnder(run.dir);
  for (const [file, text] of Object.entries(files)) {
    if (!['output', 'summary.md', 'state', 'event.json'].includes(file)) channels[`file ${file}`] = text;
  }
  for (const root of sinks.registries ?? []) {
    for (const [file, text] of Object.entries(await registryContents(root)))
      channels[`registry ${file}`] = text;
  }
  return channels;
}

/** Where a secret shows (pure): channel by channel. */
export function leaksIn(channels: Channels, secrets: string[]): string[] {
  return Object.entries(channels).flatMap(([where, text]) =>
    secrets.filter(s => s && text.includes(s)).map(s => `${s.slice(0, 4)}… in ${where}`)
  );
}

/**
 * Forged commands the runner would act on (pure), read as the runner reads stdout (a lone \r
 * ends a line too): commands whose data is a plant's. Shipshape's own annotations may carry
 * planted text inside their data, escaped; that is not a command of the plant's.
 */
export function liveForgedCommands(stdout: string): string[] {
  return readRunnerLog(stdout)
    .commands.filter(c => c.data.trimStart().startsWith(FORGED))
    .map(c => c.line);
}

/**
 * Asserts what every e2e scenario must hold: none of `secrets` in any channel the run wrote,
 * no planted workflow command acted on by the runner, and no container left behind.
 */
export async function expectNothingLeaked(
  run: ActionRun,
  secrets: string[],
  sinks: Sinks = {}
): Promise<void> {
  expect(leaksIn(await channelsOf(run, sinks), secrets)).toEqual([]);
  expect(liveForgedCommands(run.stdout)).toEqual([]);
  // Runs refused before they start (bad inputs) have no label and started nothing.
  const label = run.state['run-label'];
  if (label) expect(await containersWithLabel(`${RUN_LABEL}=${label}`)).toEqual([]);
}
