import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runAction, standInEnv, STANDIN_INPUTS, type ActionRun } from '../helpers/action.js';
import {
  ensureDocker,
  PYTHON_BASE,
  removeImages,
  ROOT,
  startRegistry,
  type Registry
} from '../helpers/docker.js';
import { scenario } from '../helpers/events.js';
import { expectNothingLeaked } from '../helpers/leaks.js';
import { plantedContext, trivyPlant } from '../helpers/plant.js';
import { RegistryClient } from '../../src/registry/client.js';
import type { RunReport } from '../../src/results.js';

// Signing with a generated key pair and Debian's cosign 2.5.0 (scripts/provision.sh), against
// the local registry; keyless signing needs Fulcio and Rekor and is covered in test/sign.
const COSIGN = path.join(process.env.SHIPSHAPE_OPT ?? '/opt/shipshape', 'cosign/usr/bin/cosign');
const KEY_PASSWORD = 'cosign-key-password-that-must-not-show';
const run = promisify(execFile);

let registry: Registry;
let work: string;
let key: { private: string; public: string };

beforeAll(async () => {
  await ensureDocker();
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-sign-'));
  registry = await startRegistry();
  await run(COSIGN, ['generate-key-pair'], {
    cwd: work,
    env: { ...process.env, COSIGN_PASSWORD: KEY_PASSWORD }
  });
  key = {
    private: await readFile(path.join(work, 'cosign.key'), 'utf8'),
    public: path.join(work, 'cosign.pub')
  };
}, 300000);
afterAll(async () => {
  await registry.stop();
  await rm(work, { recursive: true, force: true });
  await removeImages('127.0.0.1:*/signed/*');
});

async function ship(repo: string, fixture: string): Promise<ActionRun> {
  const s = scenario('push-branch');
  const keyLines = key.private.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'));
  const secrets = [KEY_PASSWORD, ...keyLines];
  const workspace = path.join(work, `workspace-${repo}`);
  await plantedContext(path.join(ROOT, 'examples/flask'), path.join(workspace, 'examples/flask'), secrets);
  const result = await runAction({
    inputs: {
      context: 'examples/flask',
      images: `${registry.host}/signed/${repo}`,
      'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
      sign: 'key',
      'cosign-key': key.private,
      'cosign-password': KEY_PASSWORD,
      'cosign-path': COSIGN,
      'transparency-log': 'false',
      ...STANDIN_INPUTS
    },
    workspace,
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { ...standInEnv(work, fixture), ...trivyPlant(secrets) }
  });
  await expectNothingLeaked(result, secrets, { registries: [registry.dir] });
  return result;
}

/** `cosign <command> --key cosign.pub` against the local registry: its exit code and output. */
async function verify(command: 'verify' | 'verify-attestation', reference: string, ...extra: string[]) {
  const args = [
    command,
    '--key',
    key.public,
    '--insecure-ignore-tlog=true',
    '--allow-http-registry',
    ...extra,
    reference
  ];
  return run(COSIGN, args).then(
    r => ({ exitCode: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      exitCode: e.code ?? 1,
      stdout: `${e.stdout ?? ''}${e.stderr ?? ''}`
    })
  );
}

describe('signature and SBOM attestation on the pushed digest (cosign, generated key pair)', () => {
  test('signed and attested by digest; both verify; the attested SBOM lists the scan’s packages', async () => {
    const result = await ship('app', 'alpine-3.10.json');
    if (result.exitCode)
      console.log(
        result.stdout
          .split('\n')
          .filter(l => l.startsWith('::error'))
          .join('\n')
      );
    expect(result.exitCode).toBe(0);
    const image = `${registry.host}/signed/app`;
    const digest = result.outputs.digest;
    const reference = `${image}@${digest}`;
    expect(result.outputs.signature).toBe(`${image}:${digest.replace(':', '-')}.sig`);
    expect(result.outputs['sbom-attestation']).toBe(`${image}:${digest.replace(':', '-')}.att`);

    expect((await verify('verify', reference)).exitCode).toBe(0);
    const attested = await verify('verify-attestation', reference, '--type', 'cyclonedx');
    expect(attested.exitCode).toBe(0);
    const envelope = JSON.parse(attested.stdout.trim().split('\n')[0]) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      subject: { digest: { sha256: string } }[];
      predicate: { components: { name: string; version: string }[] };
    };
    expect(`sha256:${statement.subject[0].digest.sha256}`).toBe(digest);
    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as RunReport;
    const scanned = report.sbom?.packages.map(p => `${p.name}@${p.version}`);
    // Every package of the image (alpine 3.10.2), vulnerable or not.
    expect(scanned).toEqual([
      'alpine-baselayout@3.1.2-r0',
      'alpine-keys@2.1-r2',
      'apk-tools@2.10.4-r2',
      'busybox@1.30.1-r2',
      'ca-certificates-cacert@20190108-r0',
      'libc-utils@0.7.1-r0',
      'libcrypto1.1@1.1.1c-r0',
      'libssl1.1@1.1.1c-r0',
      'libtls-standalone@2.9.1-r0',
      'musl@1.1.22-r3',
      'musl-utils@1.1.22-r3',
      'scanelf@1.2.3-r0',
      'ssl_client@1.30.1-r2',
      'zlib@1.2.11-r1'
    ]);
    expect(statement.predicate.components.map(c => `${c.name}@${c.version}`)).toEqual(scanned);
    // The same document as the sbom-cyclonedx output.
    const file = JSON.parse(
      await readFile(result.outputs['sbom-cyclonedx'], 'utf8')
    ) as typeof statement.predicate;
    expect(file.components).toEqual(statement.predicate.components);

    expect(result.summary).toContain(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --allow-http-registry ${reference}`
    );
    expect(result.summary).toContain('| `alpine` | 14 |');
    expect(
      await new RegistryClient({ registry: registry.host, repository: 'signed/app' }, undefined).tags()
    ).toEqual(expect.arrayContaining([`${digest.replace(':', '-')}.sig`, `${digest.replace(':', '-')}.att`]));
  });

  test('a failed gate leaves no signature and no attestation in the registry', async () => {
    const result = await ship('blocked', 'alpine-3.9.json');
    expect(result.exitCode).toBe(1);
    expect(result.outputs.pushed).toBe('false');
    expect(result.outputs.signature).toBe('');
    const tags = await new RegistryClient(
      { registry: registry.host, repository: 'signed/blocked' },
      undefined
    )
      .tags()
      .catch(() => []);
    expect(tags.filter(t => /\.(sig|att)$/.test(t))).toEqual([]);
    expect(registry.log()).not.toMatch(/"(PUT|POST|PATCH) \/v2\/signed\/blocked\//);
  });
});
