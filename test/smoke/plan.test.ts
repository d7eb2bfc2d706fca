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
    const plan = planSmoke('app', OWN, settings, 'n', 'l', { startInterval: true });
    expect(plan.createArgs).toEqual(
      expect.arrayContaining(['--health-interval', '1000ms', '--health-start-interval', '1000ms'])
    );
    expect(plan.createArgs).toEqual(expect.arrayContaining(['--health-start-period', '5000ms']));
  });

  test('an older daemon (Docker 20.10) is not given a flag it does not know', () => {
    const plan = planSmoke('app', OWN, settings, 'n', 'l', { startInterval: false });
    expect(plan.createArgs).toEqual(expect.arrayContaining(['--health-interval', '1000ms']));
    expect(plan.createArgs).not.toContain('--health-start-interval');
  });

  test('health-cmd is paced the same way', () => {
    const plan = planSmoke('app', {}, { ...settings, healthCmd: 'true' }, 'n', 'l', { startInterval: true });
    expect(plan.mode).toEqual({ kind: 'health-cmd', test: 'true' });
    expect(plan.createArgs).toEqual(
      expect.arrayContaining(['--health-cmd', 'true', '--health-start-interval', '1000ms'])
    );
  });
});
