import { readSaved } from '../../src/report/fork/saved.js';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, ROOT, STANDIN_BIN } from './docker.js';
import { tempDir } from './temp-dirs.js';

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  dir: string;
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (`name<<DELIM ... DELIM` blocks). */
export function parseCommandFile(content: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
      out[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=');
      out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return out;
}

export interface RunOptions {
  inputs: Record<string, string>;
  event: { name: string; payload: unknown; ref: string; sha: string };
  repository?: string;
  workspace?: string;
  env?: Record<string, string>;
  entry?: string;
  /** Reuse the files of an earlier run (the post step reads the main step's state). */
  dir?: string;
}

/** The Node that runs the bundle: action.yml's node24 when provisioned, else this one. */
export const ACTION_NODE = process.env.SHIPSHAPE_ACTION_NODE || process.execPath;

export interface PreparedRun {
  /** The Node binary to run `entry` with. */
  node: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  entry: string;
  cwd: string;
  files: { event: string; output: string; summary: string; state: string };
}

/** Writes the event and command files and builds the runner's environment for one step. */
export async function prepareRun(options: RunOptions): Promise<PreparedRun> {
  const dir = options.dir ?? (await tempDir('shipshape-run-'));
  const files = {
    event: path.join(dir, 'event.json'),
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary.md'),
    state: path.join(dir, 'state')
  };
  if (!options.dir) {
    await writeFile(files.event, JSON.stringify(options.event.payload));
    for (const f of [files.output, files.summary, files.state]) await writeFile(f, '');
  }
  const inputEnv = Object.fromEntries(
    Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])
  );
  const state = parseCommandFile(await readFile(files.state, 'utf8'));
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: process.env.DOCKER_HOST,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF: options.event.ref,
    GITHUB_SHA: options.event.sha,
    GITHUB_REPOSITORY: options.repository ?? 'Codertocat/Hello-World',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: options.workspace ?? ROOT,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    ...stateEnv,
    ...inputEnv,
    ...options.env
  };
  const entry = path.join(ROOT, options.entry ?? 'dist/index.js');
  return { node: ACTION_NODE, dir, env, entry, cwd: options.workspace ?? ROOT, files };
}

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * What a step left in its command files. The JSON report it wrote must read back as a saved
 * report (`mode: report` reads it from a fork's run): the schema says what every run writes.
 */
export async function collect(run: PreparedRun, result: StepResult): Promise<ActionRun> {
  const outputs = parseCommandFile(await readFile(run.files.output, 'utf8'));
  if (outputs.report) readSaved(await readFile(outputs.report, 'utf8'));
  return {
    ...result,
    outputs,
    summary: await readFile(run.files.summary, 'utf8'),
    state: parseCommandFile(await readFile(run.files.state, 'utf8')),
    dir: run.dir
  };
}

/** Runs a bundled entry point exactly as the runner does: env in, command files out. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const run = await prepareRun(options);
  const result = await new Promise<StepResult>(resolve => {
    execFile(
      run.node,
      [run.entry],
      { env: run.env, cwd: run.cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    );
  });
  return collect(run, result);
}

/** The input that makes the action run the Trivy stand-in (a `trivy` on PATH is never used). */
export const STANDIN_INPUTS = { 'trivy-path': path.join(STANDIN_BIN, 'trivy') };

/** The runner environment of the e2e suites: the stand-in's recorded report, short retries. */
export function standInEnv(work: string, fixture = 'alpine-3.10.json'): Record<string, string> {
  return {
    SHIPSHAPE_TRIVY_CACHE_DIR: path.join(work, 'trivy-cache'),
    SHIPSHAPE_RETRY_BASE_MS: '200',
    TRIVY_STANDIN_FIXTURE: path.join(FIXTURES, fixture)
  };
}

/** A `docker` that only records that it was called: a dry run or `mode: report` must never reach it. */
export async function recordingDocker(): Promise<{ bin: string; calls: string }> {
  const bin = await tempDir('shipshape-nodocker-');
  const calls = path.join(bin, 'calls');
  await writeFile(path.join(bin, 'docker'), `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`);
  await chmod(path.join(bin, 'docker'), 0o755);
  return { bin, calls };
}
