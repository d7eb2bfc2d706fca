import { afterAll, beforeAll, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { RegistryClient } from '../../src/registry/client.js';
import { runAction, standInEnv, STANDIN_INPUTS, type ActionRun } from './action.js';
import { PASSWORD, USER } from './auth.js';
import { BUSYBOX, ensureDocker, removeImages, ROOT, startRegistry, type Registry } from './docker.js';
import { context } from './dockerfiles.js';
import { scenario } from './events.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { DB_PASSWORD, GITHUB_TOKEN, SMOKE_SECRET_ENV, expectNothingLeaked } from './leaks.js';
import { plant, trivyPlant } from './plant.js';

/** The secrets every engine run carries, and plants. */
export const SECRETS = [PASSWORD, GITHUB_TOKEN, DB_PASSWORD];

export interface EngineWorld {
  registry: Registry;
  other: Registry;
  gh: FakeGitHub;
  work: string;
  /** A small web app, planted, whose first RUN depends on a nonce, so no other build shares its cache. */
  app: (name: string) => Promise<string>;
  /** One run on a push to the default branch, with secrets in its inputs that must not leak anywhere (and `secrets` more). */
  ship: (
    dir: string,
    images: string,
    inputs?: Record<string, string>,
    env?: Record<string, string>,
    secrets?: string[]
  ) => Promise<ActionRun>;
  clientOf: (registry: Registry, repo: string) => RegistryClient;
  errors: (run: ActionRun) => string[];
}

/**
 * The world of the suites that run the action on small apps against two local registries and
 * the fake GitHub API, on whichever Docker 28 engine the run is on: set up before the suite's
 * tests, torn down after them with the images they built.
 */
export function engineWorld(name: string): EngineWorld {
  const world = {
    app: async (app: string) =>
      plant(
        await context(
          path.join(world.work, app),
          [
            `FROM ${BUSYBOX}`,
            'ARG NONCE',
            'RUN echo "$NONCE" > /nonce && head -c 1000000 /dev/urandom > /blob',
            'RUN echo ok > /www/index.html',
            'COPY app.txt /app.txt',
            'EXPOSE 8080',
            'HEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:8080/',
            'USER 65534',
            'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]'
          ],
          { 'app.txt': 'v1\n' }
        ),
        SECRETS
      ),
    ship: async (
      dir: string,
      images: string,
      inputs: Record<string, string> = {},
      env: Record<string, string> = {},
      secrets: string[] = []
    ) => {
      const s = scenario('push-branch');
      const sent = world.gh.requests.length;
      const run = await runAction({
        inputs: {
          context: path.relative(ROOT, dir),
          images,
          'build-args': `NONCE=${randomBytes(8).toString('hex')}`,
          'lint-fail-on': 'none',
          // These registries take anyone; the login still happens, with a password to keep hidden.
          username: USER,
          password: PASSWORD,
          'github-token': GITHUB_TOKEN,
          'smoke-env': SMOKE_SECRET_ENV,
          ...STANDIN_INPUTS,
          ...inputs
        },
        event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
        env: { ...standInEnv(world.work), ...trivyPlant(SECRETS), GITHUB_API_URL: world.gh.url, ...env }
      });
      await expectNothingLeaked(run, [...SECRETS, ...secrets], {
        github: world.gh.requests.slice(sent).map(r => r.body),
        registries: [world.registry.dir, world.other.dir]
      });
      return run;
    },
    clientOf: (registry: Registry, repo: string) =>
      new RegistryClient({ registry: registry.host, repository: repo }, undefined),
    errors: (run: ActionRun) => run.stdout.split('\n').filter(l => l.startsWith('::error'))
  } as EngineWorld;
  beforeAll(async () => {
    await ensureDocker();
    [world.registry, world.other, world.gh] = await Promise.all([
      startRegistry(),
      startRegistry(),
      startFakeGitHub()
    ]);
    world.work = await mkdtemp(path.join(ROOT, `test/.tmp-${name}-`));
  }, 300000);
  afterAll(async () => {
    expect(world.gh.rejected()).toEqual([]);
    await Promise.all([world.registry.stop(), world.other.stop(), world.gh.close()]);
    await rm(world.work, { recursive: true, force: true });
    await removeImages(`127.0.0.1:*/${name}/*`);
  });
  return world;
}
