import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { post } from '../../src/action/post.js';
import { SMOKE_ENV_DIR_PREFIX } from '../../src/common/docker.js';
import { login } from '../../src/push/login.js';
import { RegistryClient } from '../../src/registry/client.js';
import { credentialsFromDockerConfig } from '../../src/registry/credentials.js';
import { PASSWORD, USER, htpasswdAuth } from '../helpers/auth.js';
import { ensureDocker, startRegistry, type Registry } from '../helpers/docker.js';

// A docker-credential helper speaking the protocol the docker CLI uses (get/store/erase on
// stdin), keeping its store in a JSON file, as a keychain or `pass` would elsewhere.
const HELPER = `#!/usr/bin/env node
const fs = require('fs');
const file = process.env.SHIPSHAPE_TEST_CRED_STORE;
const store = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
const input = fs.readFileSync(0, 'utf8').trim();
const op = process.argv[2];
if (op === 'get') {
  if (!store[input]) { console.log('credentials not found in native keychain'); process.exit(1); }
  console.log(JSON.stringify({ ServerURL: input, ...store[input] }));
} else if (op === 'store') {
  const c = JSON.parse(input);
  store[c.ServerURL] = { Username: c.Username, Secret: c.Secret };
} else if (op === 'erase') delete store[input];
fs.writeFileSync(file, JSON.stringify(store));
`;

let work: string;
let registryA: Registry;
let registryB: Registry;
let storeFile: string;
let original: string;
const saved = {
  PATH: process.env.PATH,
  DOCKER_CONFIG: process.env.DOCKER_CONFIG,
  RUNNER_TEMP: process.env.RUNNER_TEMP
};

beforeAll(async () => {
  await ensureDocker();
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-creds-'));
  [registryA, registryB] = await Promise.all([
    startRegistry({ auth: await htpasswdAuth(work) }),
    startRegistry({ auth: await htpasswdAuth(work) })
  ]);
  await writeFile(path.join(work, 'docker-credential-shipshape-test'), HELPER);
  await chmod(path.join(work, 'docker-credential-shipshape-test'), 0o755);
  storeFile = path.join(work, 'store.json');
  process.env.SHIPSHAPE_TEST_CRED_STORE = storeFile;
  process.env.PATH = `${work}:${process.env.PATH ?? ''}`;
  process.env.RUNNER_TEMP = work;
  // The runner's Docker config, as docker/login-action leaves it with a credential store.
  original = path.join(work, 'docker-config');
  await import('node:fs/promises').then(fs => fs.mkdir(original));
  await writeFile(path.join(original, 'config.json'), JSON.stringify({ credsStore: 'shipshape-test' }));
  await writeFile(storeFile, JSON.stringify({ [registryA.host]: { Username: USER, Secret: PASSWORD } }));
  process.env.DOCKER_CONFIG = original;
}, 120000);
afterAll(async () => {
  Object.assign(process.env, saved);
  await Promise.all([registryA.stop(), registryB.stop()]);
  await rm(work, { recursive: true, force: true });
});

describe('credentials from a credential helper', () => {
  test('a credsStore is asked for the registry, and the client gets in with what it answers', async () => {
    expect(await credentialsFromDockerConfig(registryA.host)).toEqual({ username: USER, password: PASSWORD });
    const client = new RegistryClient(
      { registry: registryA.host, repository: 'creds/app' },
      await credentialsFromDockerConfig(registryA.host)
    );
    expect(await client.tags()).toEqual([]);
  });

  test("a registry's credHelper wins over the credsStore", async () => {
    const dir = await mkdtemp(path.join(work, 'helpers-'));
    await writeFile(
      path.join(dir, 'config.json'),
      JSON.stringify({ credsStore: 'missing-helper', credHelpers: { [registryA.host]: 'shipshape-test' } })
    );
    expect(await credentialsFromDockerConfig(registryA.host, dir)).toEqual({
      username: USER,
      password: PASSWORD
    });
    expect(await credentialsFromDockerConfig(registryB.host, dir)).toBeUndefined();
  });
});

describe('what a killed main step left', () => {
  test("the post step removes a smoke test's env-file folder from RUNNER_TEMP, and nothing else there", async () => {
    const temp = await mkdtemp(path.join(os.tmpdir(), 'shipshape-runner-temp-'));
    const left = path.join(temp, `${SMOKE_ENV_DIR_PREFIX}abc123`);
    await mkdir(left);
    await writeFile(path.join(left, 'env'), `DATABASE_URL=${PASSWORD}\n`, { mode: 0o600 });
    await writeFile(path.join(temp, 'other-step.txt'), 'kept\n');
    const runnerTemp = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = temp;
    try {
      await post();
    } finally {
      if (runnerTemp === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = runnerTemp;
    }
    expect(await readdir(temp)).toEqual(['other-step.txt']);
    await rm(temp, { recursive: true, force: true });
  });
});

describe("this run's login", () => {
  test('stays out of the shared credential store; the post step removes it', async () => {
    const before = await readFile(storeFile, 'utf8');
    const dir = await login(registryB.host, USER, PASSWORD);
    expect(await readFile(storeFile, 'utf8')).toBe(before);
    // Filed in this run's config, which still reads every other registry from the store.
    expect(await credentialsFromDockerConfig(registryB.host, dir)).toEqual({
      username: USER,
      password: PASSWORD
    });
    expect(await credentialsFromDockerConfig(registryA.host, dir)).toEqual({
      username: USER,
      password: PASSWORD
    });
    process.env['STATE_docker-config'] = dir;
    try {
      await post();
    } finally {
      delete process.env['STATE_docker-config'];
    }
    expect(existsSync(dir)).toBe(false);
    expect(await readFile(storeFile, 'utf8')).toBe(before);
  });
});
