import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDuration } from '../../src/action/readers.js';
import { getInputs } from '../../src/action/inputs.js';
import { secretsOf } from '../../src/action/secrets.js';

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
        username: 'me'
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
        'p@ss-word'
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
