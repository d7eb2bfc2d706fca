import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RUN_LABEL } from '../../src/common/docker.js';
import { smokeTest, type SmokeSettings } from '../../src/smoke/index.js';
import {
  BUSYBOX,
  PYTHON_BASE,
  ROOT,
  buildTestImage,
  containersWithLabel,
  docker,
  ensureDocker,
  removeImages,
  waitFor
} from '../helpers/docker.js';

const LABEL = `smoke-test-${randomBytes(3).toString('hex')}`;
const PREFIX = 'shipshape-smoke-test.local';
const WEB = 'httpd -f -p 8080 -h /www';
const PROBE = 'wget -q -O /dev/null http://127.0.0.1:8080/';

const images: Record<string, string> = {
  healthy: `FROM ${BUSYBOX}\nRUN echo ok > /www/index.html\nEXPOSE 8080\nHEALTHCHECK --interval=30s CMD ${PROBE}\nCMD ${WEB}`,
  unhealthy: `FROM ${BUSYBOX}\nHEALTHCHECK --interval=30s --retries=2 CMD echo probe-says-no && false\nCMD sleep 300`,
  exits: `FROM ${BUSYBOX}\nHEALTHCHECK CMD true\nCMD ["sh", "-c", "echo config missing: DATABASE_URL; exit 3"]`,
  slow: `FROM ${BUSYBOX}\nRUN echo ok > /www/index.html\nHEALTHCHECK --interval=30s --start-period=60s CMD ${PROBE}\nCMD sh -c "sleep 3; ${WEB}"`,
  never: `FROM ${BUSYBOX}\nHEALTHCHECK --interval=30s --start-period=300s CMD ${PROBE}\nCMD sleep 300`,
  plain: `FROM ${BUSYBOX}\nRUN echo ok > /www/index.html\nEXPOSE 8080\nCMD ${WEB}`,
  ready: `FROM ${BUSYBOX}\nCMD sh -c "sleep 1; touch /tmp/ready; sleep 300"`,
  sleeper: `FROM ${BUSYBOX}\nCMD sleep 300`,
  envcheck: `FROM ${BUSYBOX}\nHEALTHCHECK --interval=30s CMD test "$GREETING" = "hello world"\nCMD sleep 300`,
  dockerenv: `FROM ${BUSYBOX}\nHEALTHCHECK --interval=30s CMD test "$DOCKER_HOST" = unix:///nowhere.sock -a "$DOCKER_CONTEXT" = elsewhere -a "$DOCKER_CONFIG" = /nowhere\nCMD sleep 300`
};

const options = (extra: Partial<SmokeSettings> = {}): SmokeSettings => ({
  healthCmd: '',
  smokePort: undefined,
  smokePath: '/',
  smokeEnv: {},
  healthTimeoutMs: 20000,
  ...extra
});
const run = (name: string, extra: Partial<SmokeSettings> = {}) =>
  smokeTest(options(extra), `${PREFIX}/${name}`, LABEL);

beforeAll(async () => {
  await ensureDocker();
  await Promise.all(Object.entries(images).map(([name, text]) => buildTestImage(`${PREFIX}/${name}`, text)));
}, 300000);

afterAll(async () => {
  // The module removes every container it starts: nothing with the label may be left.
  expect(await containersWithLabel(`${RUN_LABEL}=${LABEL}`)).toEqual([]);
  await removeImages(`${PREFIX}/*`);
});

describe('smoke test with a real daemon', () => {
  test('an image with HEALTHCHECK --interval=30s is healthy in seconds, not 30', async () => {
    const result = await run('healthy');
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' }),
      mode: 'healthcheck'
    });
    // The daemon's own pace would probe first at 30 s; a loaded 2-core runner still decides well before.
    expect(result.timeToHealthyMs).toBeLessThan(20000);
    expect(result.decisionLatencyMs).toBeGreaterThanOrEqual(0);
  });

  test('a failing HEALTHCHECK is unhealthy, with the probe output as evidence', async () => {
    const result = await run('unhealthy');
    expect(result).toMatchObject({
      health: 'unhealthy',
      verdict: expect.objectContaining({ status: 'failed' })
    });
    expect(result.message).toContain('became unhealthy');
    expect(result.evidence).toContain('probe-says-no');
  });

  test('a container that exits at once reports its exit code and logs', async () => {
    const result = await run('exits');
    expect(result).toMatchObject({
      health: 'unhealthy',
      verdict: expect.objectContaining({ status: 'failed' })
    });
    expect(result.message).toContain('exited with code 3');
    expect(result.evidence).toContain('config missing: DATABASE_URL');
  });

  test('a slow start inside its start period makes it within health-timeout', async () => {
    const result = await run('slow', { healthTimeoutMs: 20000 });
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' })
    });
    expect(result.timeToHealthyMs).toBeGreaterThanOrEqual(3000);
  });

  test('one that is not healthy by health-timeout fails at the deadline', async () => {
    const started = Date.now();
    const result = await run('never', { healthTimeoutMs: 3000 });
    expect(result).toMatchObject({
      health: 'unhealthy',
      verdict: expect.objectContaining({ status: 'failed' })
    });
    expect(result.message).toContain('not healthy within health-timeout 3 s');
    expect(Date.now() - started).toBeLessThan(10000);
  });

  test('no HEALTHCHECK + smoke-port: probed over HTTP on 127.0.0.1', async () => {
    const result = await run('plain', { smokePort: 8080, smokePath: '/index.html' });
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' }),
      mode: 'http'
    });
  });

  test('no HEALTHCHECK + smoke-port on a server that never answers: deadline', async () => {
    const result = await run('sleeper', { smokePort: 8080, healthTimeoutMs: 3000 });
    expect(result).toMatchObject({
      health: 'unhealthy',
      verdict: expect.objectContaining({ status: 'failed' }),
      mode: 'http'
    });
  });

  test('no HEALTHCHECK + health-cmd: the command becomes the container health check', async () => {
    const result = await run('ready', { healthCmd: 'test -f /tmp/ready' });
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' }),
      mode: 'health-cmd'
    });
  });

  test('no HEALTHCHECK and nothing given: still running after the window → no-healthcheck', async () => {
    const result = await run('sleeper');
    expect(result).toMatchObject({
      health: 'no-healthcheck',
      verdict: expect.objectContaining({ status: 'passed' }),
      mode: 'stability'
    });
    expect(result.message).toContain('Add a HEALTHCHECK');
  });

  test('no HEALTHCHECK and it exits inside the window: failed', async () => {
    const result = await smokeTest(options({ healthCmd: '' }), `${PREFIX}/exits`, LABEL);
    expect(result.verdict.status).toBe('failed');
  });

  test('smoke-env reaches the container', async () => {
    const result = await run('envcheck', { smokeEnv: { GREETING: 'hello world' } });
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' })
    });
    const failing = await run('envcheck', { smokeEnv: { GREETING: 'bye' }, healthTimeoutMs: 8000 });
    expect(failing.verdict.status).toBe('failed');
  });

  test('the smoke-env file exists only while docker create reads it, readable by its owner alone (0600)', async () => {
    // A `docker` ahead on PATH that notes the env-file's mode, then runs the real one.
    const spy = await mkdtemp(path.join(os.tmpdir(), 'shipshape-spy-'));
    const notes = path.join(spy, 'notes');
    await writeFile(
      path.join(spy, 'docker'),
      [
        '#!/bin/sh',
        'prev=""; for a in "$@"; do [ "$prev" = --env-file ] && stat -c "%a %n" "$a" >> ' +
          notes +
          '; prev=$a; done',
        `PATH="$(echo "$PATH" | sed "s#^${spy}:##")" exec docker "$@"`,
        ''
      ].join('\n'),
      { mode: 0o755 }
    );
    const PATH = process.env.PATH;
    process.env.PATH = `${spy}:${PATH ?? ''}`;
    try {
      const result = await run('envcheck', { smokeEnv: { GREETING: 'hello world' } });
      expect(result.verdict.status).toBe('passed');
    } finally {
      process.env.PATH = PATH;
    }
    const [line] = (await readFile(notes, 'utf8')).trim().split('\n');
    const [mode, file] = line.split(' ');
    expect(mode).toBe('600');
    expect(existsSync(file)).toBe(false);
    await rm(spy, { recursive: true, force: true });
  });

  test("DOCKER_HOST, DOCKER_CONTEXT and DOCKER_CONFIG in smoke-env reach the container, not Shipshape's docker calls", async () => {
    const result = await run('dockerenv', {
      smokeEnv: {
        DOCKER_HOST: 'unix:///nowhere.sock',
        DOCKER_CONTEXT: 'elsewhere',
        DOCKER_CONFIG: '/nowhere'
      }
    });
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' })
    });
  });

  test('ports are published on 127.0.0.1 only', async () => {
    // Observe the container while the test runs: every binding must be loopback.
    const pending = run('healthy');
    const bindings = await waitFor(
      'the smoke container to publish its port',
      async () => {
        const [id] = await containersWithLabel(`${RUN_LABEL}=${LABEL}`);
        return (id && (await docker(['port', id]).catch(() => ''))) || undefined;
      },
      60000
    );
    await pending;
    expect(bindings).toMatch(/^8080\/tcp -> 127\.0\.0\.1:\d+$/m);
    expect(bindings).not.toMatch(/0\.0\.0\.0|::/);
  });

  test('examples/flask (HEALTHCHECK --interval=30s) is healthy before its first 30 s interval would end', async () => {
    await docker(
      [
        'build',
        '-q',
        '--build-arg',
        `BASE_IMAGE=${PYTHON_BASE}`,
        '-t',
        `${PREFIX}/flask`,
        `${ROOT}/examples/flask`
      ],
      process.env
    );
    const result = await run('flask');
    expect(result).toMatchObject({
      health: 'healthy',
      verdict: expect.objectContaining({ status: 'passed' }),
      mode: 'healthcheck'
    });
    // Two Flask workers start in 1–3 s on an idle 2-core machine; under load, still far from 30 s.
    expect(result.timeToHealthyMs).toBeLessThan(20000);
  });
});
