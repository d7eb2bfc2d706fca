import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { getInputs, type Inputs } from '../../../src/action/inputs/inputs.js';
import { ROOT } from '../../helpers/docker.js';
import type { BuildOptions } from '../../../src/builder/contract.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const env = { GITHUB_WORKSPACE: '/work/repo', PIP_INDEX_URL: 'https://pypi.example/simple' };
const aFile = path.join(ROOT, 'package.json');
const declared = (
  parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  }
).inputs;

describe('each input read by its own name', () => {
  test('an absent input is what its action.yml default gives', () => {
    const defaults = Object.fromEntries(
      Object.entries(declared).flatMap(([name, { default: value }]) =>
        // An expression (`${{ github.token }}`) is the runner's to evaluate.
        value === undefined || String(value).includes('${{') ? [] : [[name, String(value)]]
      )
    );
    expect(getInputs(reader({}), env)).toEqual(getInputs(reader(defaults), env));
  });

  // A value other than the default for every input, and the field it must land in.
  // A build option lands in Inputs.buildOptions: its field is named `buildOptions.<key>`.
  const CASES: [string, string, keyof Inputs | `buildOptions.${keyof BuildOptions}`, unknown][] = [
    ['context', 'app', 'context', '/work/repo/app'],
    ['file', 'docker/Dockerfile.prod', 'file', '/work/repo/docker/Dockerfile.prod'],
    ['images', 'ghcr.io/acme/app\n\nacme/app', 'images', ['ghcr.io/acme/app', 'acme/app']],
    ['tags', 'type=semver,pattern={{version}}', 'tags', ['type=semver,pattern={{version}}']],
    ['flavor', 'latest=false', 'flavor', ['latest=false']],
    ['latest', 'false', 'latest', 'false'],
    ['version', ' 1.2.3 ', 'version', '1.2.3'],
    ['build-args', 'A=1\nB=x=y', 'buildArgs', { A: '1', B: 'x=y' }],
    ['target', ' runtime ', 'target', 'runtime'],
    ['platforms', 'linux/amd64, linux/arm64', 'platforms', ['linux/amd64', 'linux/arm64']],
    ['labels', 'team=ships', 'labels', { team: 'ships' }],
    ['annotations', 'index:a=1', 'annotations', { 'index:a': '1' }],
    ['no-cache', 'true', 'noCache', true],
    ['cache', 'false', 'cache', false],
    ['cache-from', 'acme/app:cache', 'cacheFrom', [{ type: 'registry', attrs: { ref: 'acme/app:cache' } }]],
    ['cache-to', 'type=inline', 'cacheTo', [{ type: 'inline', attrs: {} }]],
    ['provenance', 'mode=max', 'provenance', 'max'],
    ['builder', ' ci-builder ', 'builder', 'ci-builder'],
    ['secrets', 'npm=t0ken', 'buildOptions.secrets', [{ id: 'npm', value: 't0ken' }]],
    ['secret-envs', 'pip=PIP_INDEX_URL', 'buildOptions.secrets', [{ id: 'pip', env: 'PIP_INDEX_URL' }]],
    ['secret-files', `key=${aFile}`, 'buildOptions.secrets', [{ id: 'key', file: aFile }]],
    ['ssh', `git=${aFile}`, 'buildOptions.ssh', [`git=${aFile}`]],
    [
      'build-contexts',
      'base=docker-image://alpine:3.20',
      'buildOptions.buildContexts',
      { base: 'docker-image://alpine:3.20' }
    ],
    ['network', 'none', 'buildOptions.network', 'none'],
    ['add-hosts', 'db:10.0.0.5', 'buildOptions.addHosts', ['db:10.0.0.5']],
    ['shm-size', '2g', 'buildOptions.shmSize', '2g'],
    ['ulimit', 'nofile=1024', 'buildOptions.ulimits', ['nofile=1024']],
    ['pull', 'true', 'buildOptions.pull', true],
    ['push', 'false', 'push', 'false'],
    ['registry', ' ghcr.io ', 'registry', 'ghcr.io'],
    ['overwrite-release-tags', 'true', 'overwriteReleaseTags', true],
    ['scan', 'false', 'scan', false],
    ['trivy-version', ' v0.70.0 ', 'trivyVersion', '0.70.0'],
    ['trivy-version', '0.75.0-rc.1', 'trivyVersion', '0.75.0-rc.1'],
    ['trivy-db-repository', 'example.test/db:2', 'trivyDbRepositories', ['example.test/db:2']],
    ['trivy-java-db-repository', 'example.test/jdb:1', 'trivyJavaDbRepositories', ['example.test/jdb:1']],
    ['trivy-path', ' /opt/trivy ', 'trivyPath', '/opt/trivy'],
    ['max-db-age', '2h', 'maxDbAgeMs', 7200000],
    ['scan-error', 'warn', 'scanError', 'warn'],
    ['scan-timeout', '90s', 'scanTimeoutMs', 90000],
    ['severity', 'high,critical', 'severity', ['HIGH', 'CRITICAL']],
    ['fail-on', 'none', 'failOn', 'none'],
    ['ignore-unfixed', 'true', 'ignoreUnfixed', true],
    ['trivyignore', 'security/.trivyignore', 'trivyignore', '/work/repo/security/.trivyignore'],
    ['smoke-test', 'false', 'smokeTest', false],
    ['health-timeout', '2m', 'healthTimeoutMs', 120000],
    ['health-cmd', ' curl -f localhost ', 'healthCmd', 'curl -f localhost'],
    ['smoke-port', '8080', 'smokePort', 8080],
    ['smoke-path', '/healthz', 'smokePath', '/healthz'],
    ['smoke-env', 'MODE=demo', 'smokeEnv', { MODE: 'demo' }],
    ['lint', 'false', 'lint', false],
    ['lint-fail-on', 'warning', 'lintFailOn', 'warning'],
    ['lint-ignore', 'SS001', 'lintIgnore', ['SS001']],
    ['github-token', 'ghs_x', 'githubToken', 'ghs_x'],
    ['comment', 'false', 'comment', false],
    ['dry-run', 'true', 'dryRun', true],
    ['sbom', 'true', 'sbom', 'true'],
    ['sbom-format', 'spdx', 'sbomFormat', ['spdx']],
    ['sign', 'false', 'sign', 'false'],
    ['cosign-key', ' -----KEY----- ', 'cosignKey', '-----KEY-----'],
    ['cosign-password', ' pw ', 'cosignPassword', ' pw '],
    ['cosign-path', ' /opt/cosign ', 'cosignPath', '/opt/cosign'],
    ['transparency-log', 'false', 'transparencyLog', false],
    ['baseline', ' ghcr.io/acme/app:main ', 'baseline', 'ghcr.io/acme/app:main'],
    ['fail-on-new', 'high', 'failOnNew', 'HIGH'],
    ['max-size-increase', '10%', 'maxSizeIncrease', { text: '10%', percent: 10 }],
    ['mode', 'report', 'mode', 'report'],
    ['results', ' results/*/shipshape-report.json ', 'results', 'results/*/shipshape-report.json'],
    ['report-file', ' saved/report.json ', 'reportFile', 'saved/report.json'],
    ['fork-report-conclusion', 'verdict', 'forkReportConclusion', 'verdict']
  ];

  test.each(CASES)('%s: %j → %s', (name, value, field, expected) => {
    const fieldOf = (inputs: Inputs): unknown =>
      field.startsWith('buildOptions.')
        ? inputs.buildOptions[field.slice('buildOptions.'.length) as keyof BuildOptions]
        : inputs[field as keyof Inputs];
    expect(fieldOf(getInputs(reader({ [name]: value }), env))).toEqual(expected);
    expect(fieldOf(getInputs(reader({}), env))).not.toEqual(expected);
  });

  test('every input of action.yml has a case here, and the registry login its pair', () => {
    const covered = new Set([...CASES.map(([name]) => name), 'username', 'password', 'scanner']);
    expect(Object.keys(declared).filter(name => !covered.has(name))).toEqual([]);
    expect(getInputs(reader({ username: ' me ', password: ' pw ' }), env)).toMatchObject({
      username: 'me',
      password: ' pw '
    });
  });

  test.each([[{ username: 'me' }], [{ password: 'pw' }], [{ username: '  ', password: 'pw' }]])(
    '%j: username and password go together',
    values => {
      expect(() => getInputs(reader(values), env)).toThrow(
        'inputs "username" and "password" go together: set both or neither'
      );
    }
  );

  test.each<[Record<string, string>, RegExp]>([
    [{ mode: 'platform' }, /mode": platform builds exactly one platform: set "platforms"/],
    [{ mode: 'platform', platforms: 'linux/amd64,linux/arm64' }, /exactly one platform/],
    [{ mode: 'merge', platforms: 'linux/amd64' }, /mode": merge needs "results"/],
    [{ mode: 'merge', results: 'r/*.json' }, /and "platforms" \(every platform expected\)/]
  ])('%j is refused before anything runs', (values, message) => {
    expect(() => getInputs(reader(values), env)).toThrow(message);
  });

  test('mode: platform with one platform, and mode: merge with results and platforms, are taken', () => {
    expect(getInputs(reader({ mode: 'platform', platforms: 'linux/arm64' }), env).mode).toBe('platform');
    const merge = getInputs(
      reader({ mode: 'merge', platforms: 'linux/amd64,linux/arm64', results: 'r/*.json' }),
      env
    );
    expect([merge.mode, merge.platforms]).toEqual(['merge', ['linux/amd64', 'linux/arm64']]);
  });

  test('a .trivyignore at the workspace root is used when trivyignore is not set', () => {
    const workspace = path.join(ROOT, 'test/fixtures/workspace-with-trivyignore');
    expect(getInputs(reader({}), { GITHUB_WORKSPACE: workspace }).trivyignore).toBe(
      path.join(workspace, '.trivyignore')
    );
    expect(getInputs(reader({}), env).trivyignore).toBe('');
  });
});

describe('signing needs what it signs with, before anything is built', () => {
  const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };

  test('keyless with an OIDC token and the transparency log is accepted', () => {
    expect(getInputs(reader({ sign: 'keyless' }), { ...env, ...OIDC }).sign).toBe('keyless');
  });

  test('keyless without an OIDC token is refused, saying which permission gives one', () => {
    expect(() => getInputs(reader({ sign: 'keyless' }), env)).toThrow(
      'input "sign": keyless needs an OIDC token: give the job `permissions: id-token: write` (fork pull requests never get one)'
    );
  });

  test('keyless without the transparency log is refused', () => {
    expect(() =>
      getInputs(reader({ sign: 'keyless', 'transparency-log': 'false' }), { ...env, ...OIDC })
    ).toThrow('input "sign": keyless needs transparency-log: its certificates are only checkable through it');
  });

  test('key with a key is accepted; transparency-log: false is fine without keyless', () => {
    expect(
      getInputs(reader({ sign: 'key', 'cosign-key': 'k', 'transparency-log': 'false' }), env)
    ).toMatchObject({
      sign: 'key',
      transparencyLog: false
    });
  });
});
