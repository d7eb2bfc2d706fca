import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '../helpers/action.js';
import { BUSYBOX, PYTHON_BASE, ROOT, docker, ensureDocker, removeImages } from '../helpers/docker.js';
import { context } from '../helpers/dockerfiles.js';
import { FAILING_RUN, expectFailingRunReported } from '../helpers/failing-run.js';
import { scenario } from '../helpers/events.js';
import { DB_PASSWORD, SMOKE_SECRET_ENV, expectNothingLeaked } from '../helpers/leaks.js';
import { readRunnerLog } from '../helpers/runner-log.js';
import { forgedCommands, plant, plantedContext } from '../helpers/plant.js';

// Runs on Debian 12's Docker 20.10 daemon (scripts/test.sh), without buildx: an empty Docker
// config hides the buildx plugin. Debian's 20.10 CLI (/usr/bin/docker) carries BuildKit
// itself; a CLI from 23.0 on (the Docker 28 one provisioned beside it) has only the classic
// builder without buildx.
const ENGINE_CLI = path.join(process.env.SHIPSHAPE_ENGINE_ROOT ?? '/opt/shipshape/engine', 'usr/bin');
const CLIS = [
  ['BuildKit built into the Docker CLI', `/usr/bin:${process.env.PATH ?? ''}`],
  ['the classic builder', `${ENGINE_CLI}:${process.env.PATH ?? ''}`]
];
let noPlugins: string;
/** Per builder, a workspace with examples/flask planted for what that builder can run. */
const workspaces: Record<string, string> = {};

beforeAll(async () => {
  await ensureDocker();
  noPlugins = await mkdtemp(path.join(os.tmpdir(), 'shipshape-noplugins-'));
  for (const [builder] of CLIS) {
    workspaces[builder] = path.join(noPlugins, builder.replace(/\W+/g, '-'));
    const flask = path.join(workspaces[builder], 'examples/flask');
    await plantedContext(path.join(ROOT, 'examples/flask'), flask, [DB_PASSWORD]);
    // The classic builder has no RUN --mount: it gets the plant that needs none.
    if (builder === 'the classic builder') {
      await cp(path.join(ROOT, 'examples/flask/Dockerfile'), path.join(flask, 'Dockerfile'));
      await plant(flask, [DB_PASSWORD], 'classic');
    }
  }
}, 300000);
afterAll(async () => {
  await rm(noPlugins, { recursive: true, force: true });
  await removeImages('shipshape-fallback.local/*');
});

/** Builds only, in the builder's planted workspace, with a smoke-env secret that must not leak. */
async function build(context: string, image: string, PATH: string, extra: Record<string, string> = {}) {
  const s = scenario('push-branch');
  const [builder] = CLIS.find(c => c[1] === PATH) ?? CLIS[0];
  const run = await runAction({
    inputs: {
      context,
      images: image,
      scan: 'false',
      'smoke-test': 'false',
      lint: 'false',
      push: 'false',
      'smoke-env': SMOKE_SECRET_ENV,
      ...extra
    },
    workspace: workspaces[builder],
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { PATH, DOCKER_CONFIG: noPlugins }
  });
  await expectNothingLeaked(run, [DB_PASSWORD]);
  return run;
}

describe.each(CLIS)('without buildx: %s', (builder, PATH) => {
  test('examples/flask builds, every tag on the one image', async () => {
    const image = `shipshape-fallback.local/flask-${builder.split(' ')[1]}`;
    const run = await build('examples/flask', image, PATH, { 'build-args': `BASE_IMAGE=${PYTHON_BASE}` });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Build with ${builder}`);
    const tags = await docker([
      'image',
      'inspect',
      '--format',
      '{{join .RepoTags " "}}',
      run.outputs['image-id']
    ]);
    expect(tags.split(' ').sort()).toEqual([`${image}:master`, `${image}:sha-6113728`]);
  });

  test("lint: the summary says BuildKit's build checks did not run, and why", async () => {
    const run = await build('examples/flask', 'shipshape-fallback.local/lint', PATH, {
      'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
      lint: 'true',
      'lint-fail-on': 'none'
    });
    expect(run.summary).toContain(
      "BuildKit's build checks not run: this runner's Docker CLI has no buildx (build checks need buildx 0.15 or later)"
    );
  });

  test('a build secret: through the built-in BuildKit, refused before the build by the classic builder', async () => {
    const secret = 'fallback-build-secret-0123456789';
    await context(path.join(workspaces[builder], 'secret'), [
      `FROM ${BUSYBOX}`,
      'RUN --mount=type=secret,id=token,required=true test -s /run/secrets/token'
    ]);
    const run = await build('secret', 'shipshape-fallback.local/secret', PATH, {
      secrets: `token=${secret}`
    });
    await expectNothingLeaked(run, [secret]);
    if (builder === 'the classic builder') {
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error::input "secrets": this runner's Docker CLI .* has no BuildKit/);
      expect(run.stdout).not.toContain('Build with');
    } else expect(run.exitCode).toBe(0);
  });

  test('a failing RUN names the instruction, its line and its last output', async () => {
    await context(path.join(workspaces[builder], 'broken'), FAILING_RUN);
    expectFailingRunReported(await build('broken', 'shipshape-fallback.local/broken', PATH));
  });
});

test('a CLI without buildx or built-in BuildKit warns that it uses the classic builder', async () => {
  const run = await build('examples/flask', 'shipshape-fallback.local/classic', CLIS[1][1], {
    'build-args': `BASE_IMAGE=${PYTHON_BASE}`
  });
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/::warning::Docker CLI 2\d\.[\d.]+\S* has no buildx and no built-in BuildKit/);
});

test("the classic builder's output reaches the log as text: a RUN's workflow commands do not run", async () => {
  // The classic builder prints a RUN's output unprefixed: each planted command starts a line.
  const run = await build('examples/flask', 'shipshape-fallback.local/forged', CLIS[1][1], {
    'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
    // A cached step prints nothing: this build runs every step.
    'no-cache': 'true'
  });
  expect(run.exitCode).toBe(0);
  const shown = readRunnerLog(run.stdout).shown;
  for (const command of forgedCommands('the build')) {
    for (const line of command.split('\r')) expect(shown).toContain(line);
  }
});

test('the classic builder leaves no container of a failed step behind', async () => {
  const [builder, PATH] = CLIS[1];
  await context(path.join(workspaces[builder], 'forcerm'), [
    `FROM ${BUSYBOX}`,
    'RUN touch /marker-forcerm && false'
  ]);
  const before = await docker(['ps', '--all', '--quiet']);
  const run = await build('forcerm', 'shipshape-fallback.local/forcerm', PATH);
  expect(run.exitCode).toBe(1);
  expect(await docker(['ps', '--all', '--quiet'])).toBe(before);
});
