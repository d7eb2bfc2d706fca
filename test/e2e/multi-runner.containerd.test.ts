import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PlatformResult } from '../../src/common/platform-result.js';
import { RegistryClient } from '../../src/registry/client.js';
import { runAction, standInEnv, STANDIN_INPUTS, type ActionRun } from '../helpers/action.js';
import { FIXTURES, removeImages, ROOT, startRegistry, type Registry } from '../helpers/docker.js';
import { TWO_PLATFORMS, context } from '../helpers/dockerfiles.js';
import { PR_HEAD_SHA, scenario } from '../helpers/events.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { GITHUB_TOKEN } from '../helpers/leaks.js';

// Two daemons stand in for two runners: the classic-store engine builds linux/amd64 and
// smoke-tests it natively; the containerd-store engine (this suite's) builds linux/arm64 with
// build stages on the build platform and a COPY-only final stage, so no foreign binary runs.
const CLASSIC_HOST = process.env.SHIPSHAPE_CLASSIC_HOST ?? '';
const ARM_HOST = process.env.DOCKER_HOST ?? '';
const PLATFORMS = 'linux/amd64,linux/arm64';

let registry: Registry;
let gh: FakeGitHub;
let work: string;
beforeAll(async () => {
  [registry, gh] = await Promise.all([startRegistry(), startFakeGitHub()]);
  work = await mkdtemp(path.join(ROOT, 'test/.tmp-multi-runner-'));
}, 120000);
afterAll(async () => {
  expect(gh.rejected()).toEqual([]);
  await Promise.all([registry.stop(), gh.close()]);
  await rm(work, { recursive: true, force: true });
  await removeImages('127.0.0.1:*/multi/*');
});

type Event = 'pull_request-opened' | 'pull_request-fork' | 'push-branch';
const client = (repo: string) =>
  new RegistryClient({ registry: registry.host, repository: `multi/${repo}` }, undefined);
const errors = (run: ActionRun) => run.stdout.split('\n').filter(l => l.startsWith('::error'));
const imageTags = async (repo: string) =>
  (await client(repo).tags()).filter(t => !t.startsWith('buildcache-'));

/** One job of the workflow: a platform job on its runner, or the merge job. */
async function job(
  kind: Event,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const s = scenario(kind);
  return runAction({
    inputs: { 'lint-fail-on': 'none', 'github-token': GITHUB_TOKEN, ...STANDIN_INPUTS, ...inputs },
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { ...standInEnv(work), GITHUB_API_URL: gh.url, GITHUB_JOB: 'image', ...env }
  });
}

/** Both platform jobs of one build, side by side on their two daemons; `arm` changes the arm64 job. */
async function platformJobs(
  repo: string,
  kind: Event,
  extra: Record<string, string> = {},
  arm: Record<string, string> = {}
) {
  const dir = await context(path.join(work, repo), TWO_PLATFORMS);
  const nonce = randomBytes(8).toString('hex');
  const inputs = (platform: string) => ({
    context: path.relative(ROOT, dir),
    images: `${registry.host}/multi/${repo}`,
    'build-args': `NONCE=${nonce}`,
    mode: 'platform',
    platforms: platform,
    ...extra
  });
  const [amd, armRun] = await Promise.all([
    job(kind, inputs('linux/amd64'), { DOCKER_HOST: CLASSIC_HOST }),
    job(kind, inputs('linux/arm64'), {
      DOCKER_HOST: ARM_HOST,
      TRIVY_STANDIN_FIXTURE: path.join(FIXTURES, 'alpine-3.10-arm64.json'),
      ...arm
    })
  ]);
  return { amd, arm: armRun };
}

/** The reports as download-artifact leaves them: one folder per platform job. Returns the glob. */
async function downloaded(name: string, runs: ActionRun[]): Promise<string> {
  const dir = path.join(work, `artifacts-${name}`);
  for (const [i, run] of runs.entries()) {
    await mkdir(path.join(dir, `report-${i}`), { recursive: true });
    await copyFile(run.outputs.report, path.join(dir, `report-${i}`, 'shipshape-report.json'));
  }
  return path.relative(ROOT, `${dir}/*/shipshape-report.json`);
}

const merge = (kind: Event, repo: string, results: string, extra: Record<string, string> = {}) =>
  job(kind, {
    images: `${registry.host}/multi/${repo}`,
    mode: 'merge',
    platforms: PLATFORMS,
    results,
    ...extra
  });

const resultOf = async (run: ActionRun): Promise<PlatformResult> =>
  (JSON.parse(await readFile(run.outputs.report, 'utf8')) as { platformResult: PlatformResult })
    .platformResult;

interface Index {
  manifests: {
    digest: string;
    platform: { os: string; architecture: string };
    annotations?: Record<string, string>;
  }[];
}

describe('a multi-runner build: a platform job per runner, then one merge', () => {
  test('each platform gated and pushed by digest, no tag; the merge tags one index of both; one comment, a row per platform', async () => {
    const { amd, arm } = await platformJobs('app', 'pull_request-opened');
    expect([...errors(amd), ...errors(arm)]).toEqual([]);
    expect(amd.outputs).toMatchObject({ pushed: 'true', health: 'healthy', tags: '' });
    // No emulator here: the arm64 image is never started, and the summary says why.
    expect(arm.outputs).toMatchObject({ pushed: 'true', health: 'skipped', tags: '' });
    expect(arm.summary).toMatch(/smoke test \| ⏭️ skipped \| [^|]*linux\/arm64/);
    expect(await imageTags('app')).toEqual([]);
    const [amdResult, armResult] = [await resultOf(amd), await resultOf(arm)];
    expect(amdResult).toMatchObject({ platform: 'linux/amd64', passed: true, commit: PR_HEAD_SHA });
    expect(armResult.manifest?.digest).toBe(arm.outputs.digest);
    // The classic store saves layers uncompressed: they go out gzipped, around the gated config.
    const amdManifest = JSON.parse((await client('app').manifest(amd.outputs.digest))!.bytes.toString()) as {
      config: { digest: string };
      layers: { mediaType: string }[];
    };
    expect(amdManifest.config.digest).toBe(amd.outputs['image-id']);
    expect(amdManifest.layers.map(l => l.mediaType)).toEqual(
      amdManifest.layers.map(() => 'application/vnd.oci.image.layer.v1.tar+gzip')
    );
    expect(gh.comments).toHaveLength(0);

    const results = await downloaded('app', [arm, amd]);
    const merged = await merge('pull_request-opened', 'app', results);
    expect(errors(merged)).toEqual([]);
    expect(merged.exitCode).toBe(0);
    const digest = merged.outputs.digest;
    const index = JSON.parse((await client('app').manifest(digest))!.bytes.toString()) as Index;
    // The arm64 job's provenance (containerd store) comes along, describing its image.
    const provenance = index.manifests.filter(m => m.platform.os === 'unknown');
    expect(provenance.map(m => m.annotations?.['vnd.docker.reference.digest'])).toEqual([arm.outputs.digest]);
    const images = index.manifests.filter(m => m.platform.os === 'linux');
    expect(images.map(m => [m.platform.architecture, m.digest])).toEqual([
      ['amd64', amd.outputs.digest],
      ['arm64', arm.outputs.digest]
    ]);
    expect((await imageTags('app')).sort()).toEqual(['pr-2', 'sha-ec26c3e']);
    for (const tag of ['pr-2', 'sha-ec26c3e']) expect(await client('app').digest(tag)).toBe(digest);
    expect(merged.outputs.tags.split('\n').sort()).toEqual(
      [`${registry.host}/multi/app:pr-2`, `${registry.host}/multi/app:sha-ec26c3e`].sort()
    );
    expect(gh.comments).toHaveLength(1);
    const rows = gh.comments[0].body.split('\n').filter(l => /^\| `linux\//.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(amd.outputs.digest);
    expect(rows[1]).toContain(arm.outputs.digest);
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: 'success', head_sha: PR_HEAD_SHA });

    // The merge again: the same index, nothing moved, the comment updated in place.
    const again = await merge('pull_request-opened', 'app', results);
    expect(again.exitCode).toBe(0);
    expect(again.outputs.digest).toBe(digest);
    expect(gh.comments).toHaveLength(1);
  });

  test('a platform whose scan gate fails pushes nothing; the merge refuses and nothing is tagged', async () => {
    const { amd, arm } = await platformJobs(
      'failing',
      'push-branch',
      {},
      {
        TRIVY_STANDIN_FIXTURE: path.join(FIXTURES, 'alpine-3.9-arm64.json')
      }
    );
    expect(amd.exitCode).toBe(0);
    expect(arm.exitCode).toBe(1);
    expect(arm.outputs.pushed).toBe('false');
    expect(await resultOf(arm)).toMatchObject({ passed: false, platform: 'linux/arm64' });
    const repo = client('failing');
    const merged = await merge('push-branch', 'failing', await downloaded('failing', [amd, arm]));
    expect(merged.exitCode).toBe(1);
    expect(errors(merged).join('\n')).toMatch(
      /merge refused, nothing tagged: linux\/arm64 did not pass \(scan failed\)/
    );
    expect(await imageTags('failing')).toEqual([]);
    // The passing platform's manifest is there, untagged, for the registry to collect.
    expect(await repo.digest(amd.outputs.digest)).toBe(amd.outputs.digest);
  });

  test("a fork's pull request: the jobs gate and push nothing; the merge checks their gates, tags nothing and passes", async () => {
    gh.readOnly = true;
    try {
      const { amd, arm } = await platformJobs('fork', 'pull_request-fork');
      expect([amd.exitCode, arm.exitCode, amd.outputs.pushed, arm.outputs.pushed]).toEqual([
        0,
        0,
        'false',
        'false'
      ]);
      const merged = await merge('pull_request-fork', 'fork', await downloaded('fork', [amd, arm]));
      expect(errors(merged)).toEqual([]);
      expect(merged.exitCode).toBe(0);
      expect(merged.outputs).toMatchObject({ pushed: 'false', digest: '' });
      expect(merged.summary).toMatch(/\| `linux\/amd64` \|[^\n]*\n\| `linux\/arm64` \|/);
      expect(await client('fork').tags()).toEqual([]);
    } finally {
      gh.readOnly = false;
    }
  });

  test('a missing result, a tampered digest and a platform mismatch: each refused, nothing tagged', async () => {
    const { amd, arm } = await platformJobs('tampered', 'push-branch');
    expect([amd.exitCode, arm.exitCode]).toEqual([0, 0]);
    const refusedWith = async (name: string, runs: ActionRun[], edit?: (r: PlatformResult) => void) => {
      const glob = await downloaded(name, runs);
      if (edit) {
        const file = path.join(ROOT, glob.replace('*', 'report-1'));
        const report = JSON.parse(await readFile(file, 'utf8')) as { platformResult: PlatformResult };
        edit(report.platformResult);
        await writeFile(file, JSON.stringify(report));
      }
      const run = await merge('push-branch', 'tampered', glob);
      expect(run.exitCode).toBe(1);
      expect(await imageTags('tampered')).toEqual([]);
      return errors(run).join('\n');
    };
    expect(await refusedWith('missing', [amd])).toMatch(/no result for linux\/arm64/);
    expect(
      await refusedWith('digest', [amd, arm], r => {
        r.manifest = { ...r.manifest!, digest: `sha256:${'e'.repeat(64)}` };
      })
    ).toMatch(/multi\/tampered@sha256:e{64} \(linux\/arm64\) is not in the registry/);
    expect(
      await refusedWith('platform', [amd, arm], r => {
        r.platform = 'linux/amd64';
      })
    ).toMatch(/2 results for linux\/amd64/);
    const amdManifest = (await resultOf(amd)).manifest;
    expect(
      await refusedWith('swapped', [amd, arm], r => {
        r.manifest = amdManifest;
      })
    ).toMatch(/multi\/tampered@sha256:\w+ is an image for linux\/amd64, not linux\/arm64/);
  });

  test('the merge signs the index it tagged (a key pair): cosign verifies the digest output', async () => {
    const exec = promisify(execFile);
    const cosign = path.join(process.env.SHIPSHAPE_OPT ?? '/opt/shipshape', 'cosign/usr/bin/cosign');
    const keys = await mkdtemp(path.join(work, 'keys-'));
    await exec(cosign, ['generate-key-pair'], {
      cwd: keys,
      env: { ...process.env, COSIGN_PASSWORD: 'pw-of-the-key' }
    });
    const { amd, arm } = await platformJobs('signed', 'push-branch');
    const merged = await merge('push-branch', 'signed', await downloaded('signed', [amd, arm]), {
      sign: 'key',
      'cosign-key': await readFile(path.join(keys, 'cosign.key'), 'utf8'),
      'cosign-password': 'pw-of-the-key',
      'cosign-path': cosign,
      'transparency-log': 'false'
    });
    expect(errors(merged)).toEqual([]);
    const reference = `${registry.host}/multi/signed@${merged.outputs.digest}`;
    expect(merged.outputs.signature).toContain(`multi/signed:${merged.outputs.digest.replace(':', '-')}.sig`);
    const verified = await exec(cosign, [
      'verify',
      '--key',
      path.join(keys, 'cosign.pub'),
      '--insecure-ignore-tlog=true',
      '--allow-http-registry',
      reference
    ]);
    expect(JSON.parse(verified.stdout)).toEqual([
      expect.objectContaining({
        critical: expect.objectContaining({ image: { 'docker-manifest-digest': merged.outputs.digest } })
      })
    ]);
  });

  test('release safety holds through the merge: a 1.1.0 after 1.2.3 never moves 1', async () => {
    const semver = { tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}' };
    const release = async (version: string) => {
      const { amd, arm } = await platformJobs('released', 'push-branch', { version, ...semver });
      return merge('push-branch', 'released', await downloaded(`released-${version}`, [amd, arm]), {
        version,
        ...semver
      });
    };
    const first = await release('1.2.3');
    expect(first.exitCode).toBe(0);
    const second = await release('1.1.0');
    expect(second.exitCode).toBe(0);
    expect(await client('released').digest('1')).toBe(first.outputs.digest);
    expect(await client('released').digest('1.1.0')).toBe(second.outputs.digest);
    expect(second.summary).toMatch(/Withheld/);
  });
});
