import { describe, expect, test } from '@jest/globals';
import { planSmoke, type SmokeSettings } from '../../src/smoke/plan.js';

const settings: SmokeSettings = {
  healthCmd: '',
  smokePort: undefined,
  smokePath: '/',
  smokeEnv: {},
  healthTimeoutMs: 60000
};
const NS = 1_000_000_000;
const OWN = {
  Healthcheck: { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 30 * NS, StartPeriod: 5 * NS }
};

describe('probing once a second', () => {
  test('a daemon with --health-start-interval (API 1.44, Docker 25+) gets it, or the start period is probed every 5 s', () => {
    const plan = planSmoke('app', OWN, settings, 'n', 'l', { startInterval: true }, '/t/env');
    expect(plan.createArgs).toEqual(
      expect.arrayContaining(['--health-interval', '1000ms', '--health-start-interval', '1000ms'])
    );
    expect(plan.createArgs).toEqual(expect.arrayContaining(['--health-start-period', '5000ms']));
  });

  test('an older daemon (Docker 20.10) is not given a flag it does not know', () => {
    const plan = planSmoke('app', OWN, settings, 'n', 'l', { startInterval: false }, '/t/env');
    expect(plan.createArgs).toEqual(expect.arrayContaining(['--health-interval', '1000ms']));
    expect(plan.createArgs).not.toContain('--health-start-interval');
  });

  test('health-cmd is paced the same way', () => {
    const plan = planSmoke(
      'app',
      {},
      { ...settings, healthCmd: 'true' },
      'n',
      'l',
      { startInterval: true },
      '/t/env'
    );
    expect(plan.mode).toEqual({ kind: 'health-cmd', test: 'true' });
    expect(plan.createArgs).toEqual(
      expect.arrayContaining(['--health-cmd', 'true', '--health-start-interval', '1000ms'])
    );
  });
});

describe('smoke-env', () => {
  const env = { DATABASE_URL: 'postgres://app:s3cret@db/app', DOCKER_HOST: 'tcp://127.0.0.1:1' };
  const plan = planSmoke(
    'app',
    {},
    { ...settings, smokeEnv: env },
    'n',
    'l',
    { startInterval: true },
    '/t/env'
  );

  test('goes to the container in an env-file, one KEY=VALUE per line', () => {
    expect(plan.envFile).toEqual({
      path: '/t/env',
      text: 'DATABASE_URL=postgres://app:s3cret@db/app\nDOCKER_HOST=tcp://127.0.0.1:1\n'
    });
    expect(plan.createArgs).toEqual(expect.arrayContaining(['--env-file', '/t/env']));
  });

  test('no value is on the docker command line', () => {
    for (const value of Object.values(env)) expect(plan.createArgs.join(' ')).not.toContain(value);
  });

  test('without smoke-env there is no env-file', () => {
    expect(
      planSmoke('app', {}, settings, 'n', 'l', { startInterval: true }, '/t/env').envFile
    ).toBeUndefined();
  });
});
