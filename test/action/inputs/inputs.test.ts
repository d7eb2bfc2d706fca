import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDuration } from '../../../src/action/inputs/readers.js';
import { getInputs } from '../../../src/action/inputs/inputs.js';
import { secretsOf } from '../../../src/action/inputs/secrets.js';

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
    [{ sign: 'key' }, 'input "sign": key needs "cosign-key"'],
    [{ sign: 'sometimes' }, 'input "sign" must be one of auto, keyless, key, false'],
    [{ 'sbom-format': 'cyclonedx,swid' }, 'input "sbom-format": unknown format "swid"'],
    [{ 'fail-on': 'SEVERE' }, 'input "fail-on" must be one of none, UNKNOWN'],
    [{ severity: 'HIGH,HUGE' }, 'input "severity": unknown severity "HUGE"'],
    [{ 'smoke-port': '70000' }, 'input "smoke-port" must be a port number'],
    [{ 'smoke-path': 'health' }, 'input "smoke-path" must start with /'],
    [{ 'health-timeout': 'soon' }, 'input "health-timeout" must be a duration'],
    [{ 'no-cache': 'yes please' }, 'input "no-cache" must be true or false'],
    [{ labels: 'novalue' }, 'input "labels": line 1 is not KEY=VALUE'],
    [{ 'smoke-env': 'A=1\nsk_live_not_a_key_value_line' }, 'input "smoke-env": line 2 is not KEY=VALUE'],
    [{ 'build-args': '=value' }, 'input "build-args": line 1 is not KEY=VALUE'],
    [{ 'max-size-increase': 'a lot' }, 'input "max-size-increase" must be a share such as 10%'],
    [{ 'max-size-increase': '10%', scan: 'false' }, 'input "max-size-increase" needs scan: true']
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

describe('secrets', () => {
  test('every secret input, a key line by line, each smoke-env value and the password inside a smoke-env URL', () => {
    const inputs = getInputs(
      reader({
        password: 'registry-pw',
        'github-token': 'gh-token',
        'smoke-env': 'DATABASE_URL=postgres://app:p%40ss-word@db:5432/app\nMODE=demo',
        sign: 'key',
        'cosign-key': 'line-one\nline-two',
        username: 'me',
        'cache-to': 'type=s3,region=eu,bucket=b,secret_access_key=s3-secret,session_token=s3-session'
      }),
      env
    );
    expect(secretsOf(inputs)).toEqual(
      expect.arrayContaining([
        'registry-pw',
        'gh-token',
        'line-one',
        'line-two',
        'postgres://app:p%40ss-word@db:5432/app',
        'demo',
        'p@ss-word',
        's3-secret',
        's3-session'
      ])
    );
  });
});

describe("docker/metadata-action's environment variables", () => {
  test('DOCKER_METADATA_SHORT_SHA_LENGTH and DOCKER_METADATA_ANNOTATIONS_LEVELS are read once, with defaults', () => {
    expect(getInputs(reader({}), env)).toMatchObject({ shortShaLength: 7, annotationLevels: ['manifest'] });
    const set = {
      ...env,
      DOCKER_METADATA_SHORT_SHA_LENGTH: '12',
      DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index'
    };
    expect(getInputs(reader({}), set)).toMatchObject({
      shortShaLength: 12,
      annotationLevels: ['manifest', 'index']
    });
  });

  test.each([
    [
      { DOCKER_METADATA_SHORT_SHA_LENGTH: 'seven' },
      'DOCKER_METADATA_SHORT_SHA_LENGTH must be a positive whole number; got "seven"'
    ],
    [
      { DOCKER_METADATA_SHORT_SHA_LENGTH: '0' },
      'DOCKER_METADATA_SHORT_SHA_LENGTH must be a positive whole number'
    ],
    [
      { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,config' },
      'DOCKER_METADATA_ANNOTATIONS_LEVELS: unknown level "config"'
    ]
  ])('%j is refused', (vars, message) => {
    expect(() => getInputs(reader({}), { ...env, ...vars })).toThrow(message);
  });

  test('flavor lines and annotations are read as written', () => {
    const inputs = getInputs(
      reader({ flavor: 'latest=false\nprefix=app-,onlatest=true', annotations: 'a=1\nindex:b=2' }),
      env
    );
    expect(inputs.flavor).toEqual(['latest=false', 'prefix=app-,onlatest=true']);
    expect(inputs.annotations).toEqual({ a: '1', 'index:b': '2' });
  });
});

describe('parseDuration', () => {
  const WIDE = { minMs: 1, maxMs: 30 * 86_400_000 };
  test.each([
    ['60s', 60000],
    ['2m', 120000],
    ['1m30s', 90000],
    ['500ms', 500],
    ['45', 45000],
    [' 1.25 ', 1250],
    ['1.5m', 90000],
    ['1h', 3600000],
    ['2d', 172800000]
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text, 'x', WIDE)).toBe(ms);
  });
  test.each(['', '5 minutes', '1x', 's', '1m 30s', '.5s', '1.s', '9'.repeat(400), `${'9'.repeat(400)}s`])(
    '"%s" is refused',
    text => {
      expect(() => parseDuration(text, 'health-timeout', WIDE)).toThrow(
        'input "health-timeout" must be a duration such as 60s, 2m or 1m30s'
      );
    }
  );
  test.each([
    ['0', 'input "scan-timeout" must be between 1s and 1d; got "0"'],
    ['999ms', 'input "scan-timeout" must be between 1s and 1d; got "999ms"'],
    ['30d', 'input "scan-timeout" must be between 1s and 1d; got "30d"'],
    ['24h1s', 'input "scan-timeout" must be between 1s and 1d; got "24h1s"']
  ])('a timeout of %s is out of bounds', (text, message) => {
    expect(() => parseDuration(text, 'scan-timeout', { minMs: 1000, maxMs: 86_400_000 })).toThrow(message);
  });
  test('the bounds themselves are in', () => {
    expect(parseDuration('1s', 'x', { minMs: 1000, maxMs: 86_400_000 })).toBe(1000);
    expect(parseDuration('24h', 'x', { minMs: 1000, maxMs: 86_400_000 })).toBe(86_400_000);
  });
});

describe('inputs that reach a URL, a command or the log', () => {
  test.each([
    [{ 'scan-timeout': '30d' }, 'input "scan-timeout" must be between 1s and 1d'],
    [{ 'health-timeout': '0' }, 'input "health-timeout" must be between 1s and 1d'],
    [{ 'max-db-age': '10m' }, 'input "max-db-age" must be between 1h and 365d'],
    [
      { 'max-size-increase': `${'9'.repeat(400)}MB` },
      'input "max-size-increase" must be a share such as 10%'
    ],
    [
      { 'trivy-version': '0.1/../../../attacker/t/releases/download/v9' },
      'input "trivy-version" must be a release version such as 0.74.0'
    ],
    [{ 'trivy-version': '0.74.0+evil' }, 'input "trivy-version" must be a release version'],
    [{ 'trivy-version': '0.074.0' }, 'input "trivy-version" must be a release version'],
    [{ 'trivy-version': '0.74' }, 'input "trivy-version" must be a release version'],
    [
      { 'smoke-path': '/health\n::error::forged' },
      'input "smoke-path" must be one line with no control characters'
    ],
    [{ 'smoke-path': '/health\rx' }, 'input "smoke-path" must be one line'],
    [
      { 'health-cmd': 'curl -f localhost\n::add-mask::x' },
      'input "health-cmd" must be one line with no control characters'
    ],
    [{ 'health-cmd': 'true\u2028x' }, 'input "health-cmd" must be one line']
  ])('%j is refused', (values, message) => {
    expect(() => getInputs(reader(values), env)).toThrow(message);
  });

  test('a refused value is quoted at most 100 characters long', () => {
    expect(() => getInputs(reader({ 'smoke-path': `health${'x'.repeat(500)}` }), env)).toThrow(
      `got "health${'x'.repeat(94)}"`
    );
  });
});

describe('paths stay inside the workspace, by where they really are', () => {
  let root: string;
  let workspace: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'shipshape-paths-'));
    workspace = path.join(root, 'repo');
    await mkdir(path.join(workspace, '..x'), { recursive: true });
    await writeFile(path.join(workspace, '..x', 'Dockerfile'), 'FROM scratch\n');
    await writeFile(path.join(root, 'secret.txt'), 'outside\n');
    await symlink(root, path.join(workspace, 'up'));
    await symlink(path.join(root, 'secret.txt'), path.join(workspace, 'Dockerfile.link'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const inputs = (values: Record<string, string>) =>
    getInputs(reader(values), { GITHUB_WORKSPACE: workspace });

  test.each([
    [{ file: 'Dockerfile.link' }, 'input "file": "Dockerfile.link" is outside the workspace'],
    [{ context: 'up' }, 'input "context": "up" is outside the workspace'],
    [{ file: 'up/secret.txt' }, 'input "file": "up/secret.txt" is outside the workspace'],
    [{ trivyignore: 'up/secret.txt' }, 'input "trivyignore": "up/secret.txt" is outside the workspace']
  ])('a symlink leading out is refused: %j', (values, message) => {
    expect(() => inputs(values)).toThrow(message);
  });

  test('a symlink that leads back inside is inside', () => {
    expect(inputs({ context: 'up/repo/..x' }).context).toBe(path.join(workspace, 'up/repo/..x'));
  });

  test('a directory named ..x inside the workspace is inside it', () => {
    expect(inputs({ context: '..x' })).toMatchObject({
      context: path.join(workspace, '..x'),
      file: path.join(workspace, '..x', 'Dockerfile')
    });
  });
});
