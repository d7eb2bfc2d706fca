import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildOptions, buildSecretValues, secretEntries } from '../../../src/action/inputs/build-options.js';
import { builderName } from '../../../src/action/inputs/input-values.js';
import { buildCommand } from '../../../src/builder/command.js';
import { capabilities } from '../../../src/builder/detect.js';
import { preflight } from '../../../src/builder/preflight.js';
import { buildOptions as noOptions, builder } from '../../helpers/dockerfiles.js';
import type { BuildOptions } from '../../../src/builder/contract.js';

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'shipshape-build-options-'));
  await writeFile(path.join(workspace, 'token.txt'), 'file-secret-value\n', { mode: 0o600 });
  await writeFile(path.join(workspace, 'id_ed25519'), 'key\n', { mode: 0o600 });
});
afterAll(() => rm(workspace, { recursive: true, force: true }));

const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  buildOptions(read(inputs), workspace, env);

describe('build-push-action build inputs, read in its grammar', () => {
  test('none given: nothing asked of the build', () => {
    expect(parse({})).toEqual(noOptions());
  });

  test('secrets by value, by variable and by file, each with its id', () => {
    const options = parse(
      {
        secrets: 'npm_token=abc=def\n"pem=-----BEGIN KEY-----\nline two ""quoted""\n-----END KEY-----"\n',
        'secret-envs': 'pip=PIP_INDEX_URL,git=GIT_AUTH',
        'secret-files': 'file=token.txt'
      },
      { PIP_INDEX_URL: 'https://u:p@pypi.example/simple', GIT_AUTH: 'git-auth-value' }
    );
    expect(options.secrets).toEqual([
      { id: 'npm_token', value: 'abc=def' },
      { id: 'pem', value: '-----BEGIN KEY-----\nline two "quoted"\n-----END KEY-----' },
      { id: 'pip', env: 'PIP_INDEX_URL' },
      { id: 'git', env: 'GIT_AUTH' },
      { id: 'file', file: path.join(workspace, 'token.txt') }
    ]);
  });

  test("the values to mask: given ones, the variables' and the files' contents", () => {
    const env = { GIT_AUTH: 'git-auth-value' };
    const options = parse(
      { secrets: 'a=value-a', 'secret-envs': 'g=GIT_AUTH', 'secret-files': 'f=token.txt' },
      env
    );
    expect(buildSecretValues(options, env)).toEqual(['value-a', 'git-auth-value', 'file-secret-value']);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    [
      'a secret without an id, named by number only',
      { secrets: 'ok=1\nhunter2-no-key' },
      /^input "secrets": entry 2 is not id=value$/
    ],
    ['an unterminated quote', { secrets: '"a=b\nc' }, /input "secrets": entry 1 has an unterminated quote/],
    ['an id with a comma', { secrets: 'a,b=x' }, /input "secrets": entry 1 has an id that is not letters/],
    ['the same id twice', { secrets: 'a=1', 'secret-files': 'a=token.txt' }, /secret a is given twice/],
    [
      'a variable that is not set',
      { 'secret-envs': 'a=NOT_SET_HERE' },
      /input "secret-envs": NOT_SET_HERE \(for secret a\) is not set/
    ],
    [
      'a variable name that is not one',
      { 'secret-envs': 'a=1BAD' },
      /entry 1 does not name an environment variable/
    ],
    [
      'a file that does not exist',
      { 'secret-files': 'a=missing.txt' },
      /input "secret-files": entry 1 \(secret a\) names no file/
    ],
    [
      'the agent without SSH_AUTH_SOCK',
      { ssh: 'default' },
      /input "ssh": default uses the SSH agent, and SSH_AUTH_SOCK is not set/
    ],
    [
      'a key that does not exist',
      { ssh: 'github=nope' },
      /input "ssh": github names a socket or key that does not exist/
    ],
    [
      'a context without a source',
      { 'build-contexts': 'base=' },
      /input "build-contexts": base has no source/
    ],
    [
      'a context directory outside the workspace',
      { 'build-contexts': 'base=../../etc' },
      /is outside the workspace/
    ],
    [
      'a context directory that does not exist',
      { 'build-contexts': 'lib=./libs' },
      /input "build-contexts": lib: directory \.\/libs does not exist/
    ],
    ['a network name', { network: 'bridge' }, /input "network": "bridge" is not default, none or host/],
    [
      'a host without an address',
      { 'add-hosts': 'db.local' },
      /input "add-hosts": "db\.local" is not host:ip/
    ],
    ['a host with a name for an address', { 'add-hosts': 'db:example.com' }, /is not host:ip/],
    [
      'a size with a unit of its own',
      { 'shm-size': '2gb' },
      /input "shm-size": "2gb" is not a size such as 2g/
    ],
    ['an unknown ulimit', { ulimit: 'files=1' }, /input "ulimit": "files=1" is not type=soft\[:hard\]/],
    ['pull that is not a boolean', { pull: 'always' }, /input "pull" must be true or false/]
  ])('refused before the build: %s', (_, inputs, message) => {
    expect(() => parse(inputs)).toThrow(message);
  });

  test('a refused secret line never shows its text', () => {
    let message = '';
    try {
      parse({ secrets: 'hunter2-no-key' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('input "secrets": entry 1 is not id=value');
  });

  test('ssh, contexts, network, hosts, shm, ulimits and pull as buildx takes them', () => {
    const options = parse(
      {
        ssh: 'default\ngithub=id_ed25519',
        'build-contexts': 'base=docker-image://alpine:3.20\nsrc=.\nstage=target:builder',
        network: 'none',
        'add-hosts': 'db.local:10.0.0.5,gw=host-gateway\nv6:::1',
        'shm-size': '2g',
        ulimit: 'nofile=1024:2048',
        pull: 'true'
      },
      { SSH_AUTH_SOCK: '/tmp/agent.sock' }
    );
    expect(options).toEqual({
      secrets: [],
      ssh: ['default', `github=${path.join(workspace, 'id_ed25519')}`],
      buildContexts: { base: 'docker-image://alpine:3.20', src: workspace, stage: 'target:builder' },
      network: 'none',
      addHosts: ['db.local:10.0.0.5', 'gw:host-gateway', 'v6:::1'],
      shmSize: '2g',
      ulimits: ['nofile=1024:2048'],
      pull: true
    });
  });

  test.each<[string, Record<string, string>, NodeJS.ProcessEnv, RegExp]>([
    ['secrets', { secrets: 'a=1\nb,c=2' }, {}, /^input "secrets": entry 2 has an id/],
    [
      'secret-envs',
      { 'secret-envs': 'a=OK_VAR\nb=1BAD' },
      { OK_VAR: 'x' },
      /^input "secret-envs": entry 2 does not/
    ],
    [
      'secret-envs ids',
      { 'secret-envs': 'a=OK_VAR\nb!=OK_VAR' },
      { OK_VAR: 'x' },
      /^input "secret-envs": entry 2 has an id/
    ],
    [
      'secret-files',
      { 'secret-files': 'a=token.txt\nb=nope.txt' },
      {},
      /^input "secret-files": entry 2 \(secret b\)/
    ],
    [
      'secret-files ids',
      { 'secret-files': 'a=token.txt\nb!=token.txt' },
      {},
      /^input "secret-files": entry 2 has an id/
    ],
    [
      'ssh',
      { ssh: 'github=id_ed25519\n!bad=id_ed25519' },
      {},
      /^input "ssh": entry 2 does not start with an id/
    ],
    [
      'ssh keys',
      { ssh: 'github=id_ed25519,missing' },
      {},
      /^input "ssh": github names a socket or key that does not exist \(2\)$/
    ]
  ])('a bad %s entry is named by its place', (_, inputs, env, message) => {
    expect(() => parse(inputs, env)).toThrow(message);
  });

  test.each([
    ['network', 'defaultx'],
    ['network', 'xnone'],
    ['secret-envs', 'a=GOOD-BAD'],
    ['build-contexts', 'a b=docker-image://alpine:3.20'],
    ['add-hosts', ':10.0.0.5'],
    ['shm-size', 'x2g'],
    ['ulimit', 'nofile=1:2:3']
  ])('%s %j: only a whole value of the shape passes', (input, value) => {
    expect(() => parse({ [input]: value }, { GOOD: 'x' })).toThrow(new RegExp(`input "${input}"`));
  });

  test('values are trimmed where build-push-action trims them', () => {
    const options = parse(
      {
        'secret-envs': 'a= OK_VAR ',
        'secret-files': 'f= token.txt ',
        ssh: 'k= id_ed25519 , token.txt',
        'build-contexts': 'base= docker-image://alpine:3.20 ',
        'shm-size': ' 2g ',
        network: ' host '
      },
      { OK_VAR: 'x' }
    );
    expect(options).toMatchObject({
      secrets: [
        { id: 'a', env: 'OK_VAR' },
        { id: 'f', file: path.join(workspace, 'token.txt') }
      ],
      ssh: [`k=${path.join(workspace, 'id_ed25519')},${path.join(workspace, 'token.txt')}`],
      buildContexts: { base: 'docker-image://alpine:3.20' },
      shmSize: '2g',
      network: 'host'
    });
  });

  test('secret entries: the last one needs no newline, quoted or not', () => {
    expect(secretEntries('"a=b"')).toEqual(['a=b']);
    expect(secretEntries('a=1')).toEqual(['a=1']);
    expect(secretEntries('\na=1\nb=2')).toEqual(['a=1', 'b=2']);
    expect(secretEntries('"a=b" ignored after the quote\nc=1\n')).toEqual(['a=b', 'c=1']);
  });

  test('secret entries: a quoted one may span lines and hold quotes', () => {
    expect(secretEntries('a=1\n\n  "b=x\ny""z"  \nc=3')).toEqual(['a=1', 'b=x\ny"z', 'c=3']);
  });
});

describe('the build command: secrets by name, never by value', () => {
  const request = (buildOptions: BuildOptions) => ({
    context: '/w',
    file: '/w/Dockerfile',
    tags: ['app:1'],
    labels: [],
    annotations: [],
    buildArgs: {},
    target: '',
    platforms: [],
    noCache: false,
    cacheFrom: [],
    cacheTo: [],
    buildOptions,
    output: { load: true } as const
  });
  const options = noOptions({
    secrets: [
      { id: 'npm', value: 'npm-secret-value' },
      { id: 'pip', env: 'PIP_INDEX_URL' },
      { id: 'key', file: '/w/key.txt' }
    ],
    ssh: ['default'],
    buildContexts: { base: 'docker-image://alpine:3.20' },
    network: 'host',
    addHosts: ['db:10.0.0.5'],
    shmSize: '1g',
    ulimits: ['nofile=1024'],
    pull: true
  });

  test('buildx: every flag, the value only in the environment', () => {
    const command = buildCommand(request(options), builder());
    expect(command.args.join(' ')).toContain(
      '--secret id=npm,env=SHIPSHAPE_BUILD_SECRET_0 --secret id=pip,env=PIP_INDEX_URL --secret id=key,src=/w/key.txt ' +
        '--ssh default --build-context base=docker-image://alpine:3.20 --network host --add-host db:10.0.0.5 ' +
        '--shm-size 1g --ulimit nofile=1024 --pull'
    );
    expect(command.args.join(' ')).not.toContain('npm-secret-value');
    expect(command.env).toEqual({ SHIPSHAPE_BUILD_SECRET_0: 'npm-secret-value' });
  });

  test('a named builder: buildx build --builder <name>', () => {
    const command = buildCommand(request(noOptions()), builder({ name: 'ci-builder', driver: 'remote' }));
    expect(command.args.slice(0, 4)).toEqual(['buildx', 'build', '--builder', 'ci-builder']);
  });

  test.each([['-rm'], ['a b'], ['x'.repeat(65)]])('builder %j: not a builder name, refused', name => {
    expect(() => builderName(name)).toThrow(/^input "builder": ".*" is not a buildx builder name$/);
  });

  test("Docker 20.10's built-in BuildKit: secrets and ssh, no named contexts, DOCKER_BUILDKIT=1", () => {
    const command = buildCommand(request({ ...options, buildContexts: {} }), builder({ kind: 'buildkit' }));
    expect(command.args).toContain('--secret');
    expect(command.args).not.toContain('--build-context');
    expect(command.env).toEqual({ SHIPSHAPE_BUILD_SECRET_0: 'npm-secret-value', DOCKER_BUILDKIT: '1' });
  });

  test.each<[string, Partial<BuildOptions>, 'classic' | 'buildkit', RegExp]>([
    [
      'secrets on the classic builder',
      { secrets: [{ id: 'a', value: 'b' }] },
      'classic',
      /^input "secrets": this runner's Docker CLI 20\.10\.24 has no BuildKit/
    ],
    ['ssh on the classic builder', { ssh: ['default'] }, 'classic', /^input "ssh": .*install docker buildx/],
    [
      'named contexts without buildx',
      { buildContexts: { a: 'docker-image://b' } },
      'buildkit',
      /^input "build-contexts": .* has no buildx \(named build contexts need buildx 0\.8 or later\)/
    ],
    [
      'all three on the classic builder',
      { secrets: [{ id: 'a', value: 'b' }], ssh: ['default'], buildContexts: { a: 'docker-image://b' } },
      'classic',
      /^inputs "secrets", "ssh", "build-contexts": /
    ]
  ])('refused before the build: %s', (_, extra, kind, message) => {
    const b = builder({ kind, driver: undefined, client: '20.10.24' });
    expect(() =>
      preflight({ platforms: [], provenance: 'auto', buildOptions: noOptions(extra) }, b, capabilities(b, []))
    ).toThrow(message);
  });

  test('what the classic builder can honour passes preflight', () => {
    const b = builder({ kind: 'classic', driver: undefined, client: '20.10.24' });
    const honoured = noOptions({
      network: 'none',
      addHosts: ['a:1.2.3.4'],
      shmSize: '1g',
      ulimits: ['nofile=1'],
      pull: true
    });
    expect(
      preflight({ platforms: [], provenance: 'auto', buildOptions: honoured }, b, capabilities(b, [])).notes
    ).toEqual(['no provenance: attestations need docker buildx']);
  });
});
