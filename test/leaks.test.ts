import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ActionRun } from './helpers/action.js';
import { channelsOf, leaksIn, liveForgedCommands, type Sinks } from './helpers/leaks.js';
import { FORGED, forgedCommands } from './helpers/plant.js';

/** The leak checker of every e2e scenario fails when a planted secret or command gets out, in each channel. */
const SECRET = 'Pl4nted-secret-value';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-leaks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A run that wrote nothing of note, in a temp dir of its own. */
async function cleanRun(name: string): Promise<ActionRun> {
  const runDir = path.join(dir, name);
  await mkdir(path.join(runDir, 'shipshape-run-1'), { recursive: true });
  await writeFile(path.join(runDir, 'shipshape-run-1', 'shipshape-report.json'), '{"outcome":"pushed"}');
  return {
    exitCode: 0,
    stdout: `::add-mask::${SECRET}\nBuilding\n::stop-commands::t0k3n\n${forgedCommands('the build').join('\n')}\n::t0k3n::\nDone\n`,
    stderr: '',
    outputs: { pushed: 'true' },
    summary: '## Shipped',
    state: {},
    dir: runDir
  };
}

const found = async (run: ActionRun, sinks: Sinks = {}) => leaksIn(await channelsOf(run, sinks), [SECRET]);

/** A registry's storage under `dir` holding one gzipped layer at `blob` (relative to it) with `line` in it. */
async function storedLayer(name: string, blob: string, line: string): Promise<string> {
  const storage = path.join(dir, name);
  await mkdir(path.dirname(path.join(storage, blob)), { recursive: true });
  await writeFile(path.join(storage, blob), gzipSync(Buffer.from(`etc/app.env\0\0\0${line}\n`)));
  return storage;
}

describe('the leak checker', () => {
  test('a clean run passes: masks registered, planted commands inside an inert span', async () => {
    const run = await cleanRun('clean');
    expect(await found(run)).toEqual([]);
    expect(liveForgedCommands(run.stdout)).toEqual([]);
  });

  test.each([
    ['a plain stdout line', (r: ActionRun) => void (r.stdout += `connecting with ${SECRET}\n`), 'stdout'],
    ['stderr', (r: ActionRun) => void (r.stderr += `trace: ${SECRET}`), 'stderr'],
    ['the job summary', (r: ActionRun) => void (r.summary += `| ${SECRET} |`), 'job summary'],
    ['an output', (r: ActionRun) => void (r.outputs.json = `{"x":"${SECRET}"}`), 'outputs']
  ])('finds a secret in %s', async (_name, plant, where) => {
    const run = await cleanRun(`in-${where.replace(/\s/g, '-')}-${Math.random()}`);
    plant(run);
    expect(await found(run)).toEqual([`${SECRET.slice(0, 4)}… in ${where}`]);
  });

  test('finds a secret in an ::error:: line, raw and decoded', async () => {
    const run = await cleanRun('error-line');
    run.stdout += `::error::login failed for ${SECRET}\n`;
    expect(await found(run)).toEqual([
      `${SECRET.slice(0, 4)}… in stdout`,
      `${SECRET.slice(0, 4)}… in workflow commands (decoded)`
    ]);
  });

  test('finds a secret that the command escaping hid (%3A, %2C in a property), once decoded', async () => {
    const secret = 'ab:cd,ef-secret';
    const run = await cleanRun('escaped');
    run.stdout += `::warning title=${secret.replace(':', '%3A').replace(',', '%2C')}::x\n`;
    expect(leaksIn(await channelsOf(run), [secret])).toEqual([
      `${secret.slice(0, 4)}… in workflow commands (decoded)`
    ]);
  });

  test.each([
    ['the JSON report', 'shipshape-report.json'],
    ['the SARIF', 'trivy.sarif'],
    ['an SBOM', 'sbom.cdx.json']
  ])('finds a secret in %s', async (_what, file) => {
    const run = await cleanRun(`file-${file}`);
    await writeFile(path.join(run.dir, 'shipshape-run-1', file), `{"text":"${SECRET}"}`);
    expect(await found(run)).toEqual([`${SECRET.slice(0, 4)}… in file shipshape-run-1/${file}`]);
  });

  test('finds a secret in a request body sent to the GitHub API', async () => {
    const run = await cleanRun('github');
    expect(await found(run, { github: [{ body: `comment with ${SECRET}` }] })).toEqual([
      `${SECRET.slice(0, 4)}… in GitHub API`
    ]);
  });

  test('finds a secret in what a registry stored, inside a gzipped layer', async () => {
    const run = await cleanRun('registry');
    const blob = 'docker/registry/v2/blobs/sha256/ab/abcd/data';
    const storage = await storedLayer('registry-data', blob, `DATABASE_URL=${SECRET}`);
    expect(await found(run, { registries: [storage] })).toEqual([
      `${SECRET.slice(0, 4)}… in registry docker/registry/v2/blobs/sha256/ab/abcd/data`
    ]);
  });

  test('finds a secret in a layer stored under its digest, in every run that reads that registry', async () => {
    const run = await cleanRun('registry-digest');
    const blob = `docker/registry/v2/blobs/sha256/e3/${'e3'.repeat(32)}/data`;
    const storage = await storedLayer('registry-digest', blob, `TOKEN=${SECRET}`);
    const where = [
      `${SECRET.slice(0, 4)}… in registry docker/registry/v2/blobs/sha256/e3/${'e3'.repeat(32)}/data`
    ];
    expect(await found(run, { registries: [storage] })).toEqual(where);
    expect(await found(run, { registries: [storage] })).toEqual(where);
  });

  test.each([
    ['on a line of its own', `::error::${FORGED} live\n`],
    ['after a lone carriage return', `progress 50%\r::error::${FORGED} live\n`],
    ['as a mask', `::add-mask::${FORGED}\n`],
    ['as a stop that would hide our own commands', `::stop-commands::${FORGED}\n`],
    ['after an inert span that a planted token closed', `::stop-commands::t1\n::t1::\n##[error]${FORGED}\n`]
  ])('finds a live forged command %s', async (_how, text) => {
    const run = await cleanRun(`forged-${Math.random()}`);
    run.stdout += text;
    expect(liveForgedCommands(run.stdout)).toHaveLength(1);
  });

  test("Shipshape's own annotation quoting planted text in its data is not a forged command", () => {
    expect(
      liveForgedCommands(
        `::warning title=SS018,file=Dockerfile,line=3::WORKDIR ::error::${FORGED} is relative\n`
      )
    ).toEqual([]);
  });
});
