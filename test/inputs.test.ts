import { describe, expect, test } from '@jest/globals';
import { getInputs, parseDuration } from '../src/inputs.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const env = { GITHUB_WORKSPACE: '/work/repo' };

describe('getInputs', () => {
  test('defaults follow CONTRACT.md', () => {
    const inputs = getInputs(reader({}), env);
    expect(inputs).toMatchObject({
      context: '/work/repo',
      file: '/work/repo/Dockerfile',
      latest: 'auto',
      push: 'auto',
      scan: true,
      severity: ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
      failOn: 'CRITICAL',
      smokeTest: true,
      healthTimeoutMs: 60000,
      smokePath: '/',
      lint: true,
      lintFailOn: 'error',
      comment: true,
      dryRun: false
    });
  });

  test('file defaults to <context>/Dockerfile', () => {
    expect(getInputs(reader({ context: 'app' }), env).file).toBe('/work/repo/app/Dockerfile');
  });

  test.each([
    [{ context: '../elsewhere' }, 'input "context": "../elsewhere" is outside the workspace'],
    [{ file: '/etc/passwd' }, 'input "file": "/etc/passwd" is outside the workspace'],
    [{ latest: 'sometimes' }, 'input "latest" must be one of auto, true, false'],
    [{ 'fail-on': 'SEVERE' }, 'input "fail-on" must be one of none, UNKNOWN'],
    [{ severity: 'HIGH,HUGE' }, 'input "severity": unknown severity "HUGE"'],
    [{ 'smoke-port': '70000' }, 'input "smoke-port" must be a port number'],
    [{ 'smoke-path': 'health' }, 'input "smoke-path" must start with /'],
    [{ 'health-timeout': 'soon' }, 'input "health-timeout" must be a duration'],
    [{ 'no-cache': 'yes please' }, 'input "no-cache" must be true or false'],
    [{ labels: 'novalue' }, 'input "labels": "novalue" is not KEY=VALUE'],
    [{ 'smoke-env': 'API_URL' }, 'input "smoke-env": "API_URL" is not KEY=VALUE'],
    [{ 'build-args': '=value' }, 'input "build-args": "=value" is not KEY=VALUE']
  ])('%j is refused', (values, message) => {
    expect(() => getInputs(reader(values), env)).toThrow(message);
  });

  test('lists split on commas and newlines; case-insensitive enums', () => {
    const inputs = getInputs(
      reader({
        'lint-ignore': 'SS001, SS002\nSS003',
        'fail-on': 'high',
        platforms: 'linux/amd64,linux/arm64'
      }),
      env
    );
    expect(inputs.lintIgnore).toEqual(['SS001', 'SS002', 'SS003']);
    expect(inputs.failOn).toBe('HIGH');
    expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });
});

describe('parseDuration', () => {
  test.each([
    ['60s', 60000],
    ['2m', 120000],
    ['1m30s', 90000],
    ['500ms', 500],
    ['45', 45000],
    ['1h', 3600000]
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text, 'x')).toBe(ms);
  });
  test.each(['', '5 minutes', '1x', 's'])('"%s" is refused', text => {
    expect(() => parseDuration(text, 'health-timeout')).toThrow('input "health-timeout"');
  });
});
