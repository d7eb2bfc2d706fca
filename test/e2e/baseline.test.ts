import { beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { recordingDocker, runAction, standInEnv, STANDIN_INPUTS, type ActionRun } from '../helpers/action.js';
import { htpasswdAuth } from '../helpers/auth.js';
import { BUSYBOX, FIXTURES, PYTHON_BASE, startRegistry, type Registry } from '../helpers/docker.js';
import { context } from '../helpers/dockerfiles.js';
import { processesUnder } from '../helpers/processes.js';
import { timelineStep } from '../helpers/report.js';
import { payload, PR_HEAD_SHA, scenario } from '../helpers/events.js';
import { type FakeGitHub } from '../helpers/fake-github.js';
import { e2eWorld } from '../helpers/world.js';
import { GITHUB_TOKEN, expectNothingLeaked } from '../helpers/leaks.js';
import { trivyPlant } from '../helpers/plant.js';
import { formatBytes } from '../../src/common/bytes.js';
import { RegistryClient } from '../../src/registry/client.js';
import type { RunReport } from '../../src/results.js';

let prFixture: string;

/** The layer the pull request adds on alpine 3.9's (5,796,352 bytes): 1.2 MB, 20.8% more. */
const OWN_LAYER = { Size: 1_203_648, DiffID: `sha256:${'0d'.repeat(32)}` };

/**
 * The pull request's report, derived at test time from the fixtures: alpine 3.9's report
 * without musl-utils (its CRITICAL CVE-2019-14697 is fixed) and with alpine 3.10's libcrypto1.1
 * 1.1.1c-r0 (CVE-2019-1549, MEDIUM, new), and one more layer, made by examples/flask's
 * `COPY server.py ./`.
 */
async function derivePrFixture(): Promise<string> {
  type Report = {
    Results: { Vulnerabilities: { PkgName: string; VulnerabilityID: string }[] }[];
    Metadata: {
      Size: number;
      DiffIDs: string[];
      Layers: { Size: number; DiffID: string }[];
      ImageConfig: { history: { created_by: string; empty_layer?: boolean }[] };
    };
  };
  const read = async (name: string) =>
    JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8')) as Report;
  const [base, newer] = await Promise.all([read('alpine-3.9.json'), read('alpine-3.10.json')]);
  const vulns = base.Results[0].Vulnerabilities.filter(v => v.PkgName !== 'musl-utils');
  vulns.push(
    newer.Results[0].Vulnerabilities.find(
      v => v.PkgName === 'libcrypto1.1' && v.VulnerabilityID === 'CVE-2019-1549'
    )!
  );
  base.Results[0].Vulnerabilities = vulns;
  const meta = base.Metadata;
  // The planted Dockerfile's own steps follow: BuildKit keeps a layer for each, the empty tar
  // where a step changed nothing.
  const empty = {
    Size: 1024,
    DiffID: 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef'
  };
  const added = [OWN_LAYER, empty, empty, empty];
  meta.Size += added.reduce((sum, l) => sum + l.Size, 0);
  meta.DiffIDs.push(...added.map(l => l.DiffID));
  meta.Layers.push(...added);
  meta.ImageConfig.history.push(
    { created_by: 'COPY server.py ./ # buildkit' },
    { created_by: 'WORKDIR /app/::warning::planted' },
    { created_by: 'WORKDIR /app' },
    { created_by: 'RUN /bin/sh -c cat /tmp/.shipshape-plant # buildkit' }
  );
  const file = path.join(work, 'pr.json');
  await writeFile(file, JSON.stringify(base));
  return file;
}

const world = e2eWorld('baseline', '127.0.0.1:*/cmp/*', [GITHUB_TOKEN]);
let registry: Registry;
let gh: FakeGitHub;
let work: string;
beforeAll(() => void ({ registry, gh, work } = world));
beforeAll(async () => {
  prFixture = await derivePrFixture();
});

async function ship(
  kind: string,
  repo: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
) {
  const s = scenario(kind);
  const sent = gh.requests.length;
  const result = await runAction({
    inputs: {
      context: 'examples/flask',
      images: `${registry.host}/cmp/${repo}`,
      'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
      'fail-on': 'none',
      'github-token': GITHUB_TOKEN,
      ...STANDIN_INPUTS,
      ...inputs
    },
    workspace: world.workspace,
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { ...standInEnv(work), ...trivyPlant([GITHUB_TOKEN]), GITHUB_API_URL: gh.url, ...env }
  });
  await expectNothingLeaked(result, [GITHUB_TOKEN], {
    github: gh.requests.slice(sent).map(r => r.body),
    registries: [registry.dir]
  });
  return result;
}
const reportOf = async (run: ActionRun) =>
  JSON.parse(await readFile(run.outputs.report, 'utf8')) as RunReport;
const commentOn = (pr: number) => gh.comments.filter(c => c.issue === pr).at(-1)?.body ?? '';

/** Compressed size of what a tag holds (its linux/amd64 image in an index), from its manifest as served. */
async function manifestSize(repo: string, tag: string): Promise<number> {
  type Json = {
    manifests?: { digest: string; platform?: { architecture?: string } }[];
    config: { size: number };
    layers: { size: number }[];
  };
  const client = new RegistryClient({ registry: registry.host, repository: `cmp/${repo}` }, undefined);
  const read = async (ref: string) =>
    JSON.parse((await client.manifest(ref))?.bytes.toString() ?? '{}') as Json;
  let manifest = await read(tag);
  const image = manifest.manifests?.find(m => m.platform?.architecture === 'amd64');
  if (image) manifest = await read(image.digest);
  return manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
}

describe('a pull request compared with the image last pushed for its base branch', () => {
  beforeAll(async () => {
    // main's image, as its push left it: alpine 3.9's recorded findings.
    const run = await ship(
      'push-branch',
      'app',
      {},
      { TRIVY_STANDIN_FIXTURE: path.join(FIXTURES, 'alpine-3.9.json') }
    );
    expect(run.outputs.pushed).toBe('true');
  }, 300000);

  test('1 new and 1 fixed; fail-on-new: HIGH passes a new MEDIUM; sizes are the scans’ and the manifests’', async () => {
    const run = await ship(
      'pull_request-opened',
      'app',
      { 'fail-on-new': 'HIGH', 'max-size-increase': '25%' },
      {
        TRIVY_STANDIN_FIXTURE: prFixture,
        TRIVY_STANDIN_FIXTURE_REMOTE: path.join(FIXTURES, 'alpine-3.9.json')
      }
    );
    expect(run.exitCode).toBe(0);
    const report = await reportOf(run);
    expect(report.insight?.baseline).toMatchObject({
      reference: `${registry.host}/cmp/app:master`,
      newCount: 1,
      unchanged: 5
    });
    expect(report.insight?.baseline?.fixed?.map(f => `${f.id} ${f.pkg}`)).toEqual([
      'CVE-2019-14697 musl-utils'
    ]);
    expect(
      report.scan?.report.findings.filter(f => f.change === 'new').map(f => `${f.id} ${f.pkg}@${f.installed}`)
    ).toEqual(['CVE-2019-1549 libcrypto1.1@1.1.1c-r0']);
    const comment = commentOn(2);
    expect(comment).toContain('**1 new** and **1 fixed** vulnerabilities; 5 unchanged.');
    expect(comment).toContain('<details><summary>Unchanged (5)</summary>');
    expect(report.push?.sizes?.[0].compressed).toBe(await manifestSize('app', 'pr-2'));
    expect(report.insight?.baseline?.sizes?.[0].compressed).toBe(await manifestSize('app', 'master'));
    const [after, before] = [
      report.push?.sizes?.[0].compressed ?? 0,
      report.insight?.baseline?.sizes?.[0].compressed ?? 0
    ];
    const delta = `${after >= before ? '+' : '−'}${formatBytes(Math.abs(after - before))}`;
    expect(comment).toContain(
      `| \`linux/amd64\` | 7.0 MB | 5.8 MB | +1.2 MB (+20.8%) | ${formatBytes(after)} | ${formatBytes(before)} | ${delta}`
    );
    expect(comment).toContain('| 1.2 MB | line 21: COPY server.py ./ |');
    expect(report.gates?.gates.find(g => g.gate === 'size')).toEqual({
      gate: 'size',
      status: 'passed',
      detail: 'linux/amd64: +1.2 MB (+20.8%) uncompressed, within max-size-increase 25%'
    });
    expect(comment).toContain(`| Base image | \`${PYTHON_BASE}\``);
  });

  test('max-size-increase: 1MB fails on 1.2 MB more, and nothing is pushed', async () => {
    const client = new RegistryClient({ registry: registry.host, repository: 'cmp/app' }, undefined);
    const before = await client.tags();
    const run = await ship(
      'pull_request-synchronize',
      'app',
      { 'max-size-increase': '1MB', 'build-args': `BASE_IMAGE=${PYTHON_BASE}\nCHANGE=size-${Date.now()}` },
      {
        TRIVY_STANDIN_FIXTURE: prFixture,
        TRIVY_STANDIN_FIXTURE_REMOTE: path.join(FIXTURES, 'alpine-3.9.json')
      }
    );
    expect(run.exitCode).toBe(1);
    // As a workflow command, the % is escaped (%25).
    expect(run.stdout).toContain(
      '::error::gate failed, nothing pushed: size: linux/amd64: +1.2 MB (+20.8%25) uncompressed, over max-size-increase 1MB'
    );
    expect(run.outputs.pushed).toBe('false');
    expect(await client.tags()).toEqual(before);
    expect(commentOn(2)).toContain('| size | ❌ failed |');
  });

  test('fail-on-new: MEDIUM fails on the new MEDIUM finding, and nothing is pushed', async () => {
    const before = await new RegistryClient(
      { registry: registry.host, repository: 'cmp/app' },
      undefined
    ).tags();
    const run = await ship(
      'pull_request-synchronize',
      'app',
      { 'fail-on-new': 'MEDIUM', 'build-args': `BASE_IMAGE=${PYTHON_BASE}\nCHANGE=${Date.now()}` },
      {
        TRIVY_STANDIN_FIXTURE: prFixture,
        TRIVY_STANDIN_FIXTURE_REMOTE: path.join(FIXTURES, 'alpine-3.9.json')
      }
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('1 new finding(s) at or above MEDIUM (fail-on-new)');
    expect(run.outputs.pushed).toBe('false');
    expect(
      await new RegistryClient({ registry: registry.host, repository: 'cmp/app' }, undefined).tags()
    ).toEqual(before);
  });
});

describe("the baseline's scan runs while the image builds", () => {
  const slowBuild = (name: string, last: string) =>
    context(path.join(world.workspace, name), [`FROM ${BUSYBOX}`, `RUN sleep 4 && ${last}`, 'CMD ["true"]']);
  const remote = { TRIVY_STANDIN_FIXTURE_REMOTE: path.join(FIXTURES, 'alpine-3.9.json') };

  beforeAll(async () => {
    await slowBuild('slow-base', 'true');
    const run = await ship('push-branch', 'slow', { context: 'slow-base', 'smoke-test': 'false' });
    expect(run.outputs.pushed).toBe('true');
  }, 300000);

  test('it starts before the build ends, and the insight compares with it', async () => {
    await slowBuild('slow-change', `echo ${Date.now()} > /changed`);
    const run = await ship(
      'pull_request-opened',
      'slow',
      { context: 'slow-change', 'smoke-test': 'false' },
      remote
    );
    expect(run.exitCode).toBe(0);
    const report = await reportOf(run);
    const step = (name: string) => timelineStep(report, name);
    expect(step('baseline scanned').startMs).toBeLessThan(step('build').endMs);
    expect(step('scan').startMs).toBeGreaterThanOrEqual(step('build').endMs);
    expect(report.insight?.baseline).toMatchObject({ reference: `${registry.host}/cmp/slow:master` });
    expect(report.insight?.baseline?.unavailable).toBeUndefined();
    expect(report.insight?.baseline?.newCount).toEqual(expect.any(Number));
  });

  test('a failed build stops it: the run ends without waiting for it and leaves no process', async () => {
    await slowBuild('slow-failure', 'exit 4');
    const started = Date.now();
    const run = await ship(
      'pull_request-opened',
      'slow',
      { context: 'slow-failure', 'smoke-test': 'false' },
      // The baseline's scan would take a minute.
      { ...remote, TRIVY_STANDIN_DELAY_MS: '60000' }
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('build failed at RUN sleep 4 && exit 4');
    const report = await reportOf(run);
    const step = (name: string) => timelineStep(report, name);
    expect(step('baseline scanned').startMs).toBeLessThan(step('build').endMs);
    expect(Date.now() - started).toBeLessThan(45000);
    expect(await processesUnder([run.dir, work])).toEqual([]);
  });
});

describe('no baseline to compare with: reported without the diff, and why; never a failure', () => {
  test('nothing pushed for the base branch yet', async () => {
    const run = await ship('pull_request-opened', 'fresh', {
      'fail-on-new': 'LOW',
      'max-size-increase': '1B'
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain(
      `No comparison: nothing has been pushed to ${registry.host}/cmp/fresh:master yet.`
    );
    expect(run.summary).toContain(
      `| size | ⏭️ skipped | no baseline to compare sizes with: nothing has been pushed to ${registry.host}/cmp/fresh:master yet |`
    );
  });

  test('unreadable: the registry answers 401', async () => {
    const secured = await startRegistry({ auth: await htpasswdAuth(work) });
    try {
      const run = await ship('pull_request-opened', 'other', { baseline: `${secured.host}/cmp/app:master` });
      expect(run.exitCode).toBe(0);
      expect(run.summary).toContain(`cannot be read (HTTP 401: the token cannot read it)`);
    } finally {
      await secured.stop();
    }
  });

  test('another platform: the baseline holds only linux/arm64', async () => {
    const client = new RegistryClient({ registry: registry.host, repository: 'cmp/arm' }, undefined);
    const config = Buffer.from(
      JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })
    );
    const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const file = path.join(work, 'arm-config.json');
    await writeFile(file, config);
    await client.uploadBlob(digest, config.length, file);
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
      layers: []
    };
    await client.putManifest('master', manifest.mediaType, Buffer.from(JSON.stringify(manifest)));
    const run = await ship('pull_request-opened', 'other', { baseline: `${registry.host}/cmp/arm:master` });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toMatch(/has no linux\/amd64 image \(it has linux\/arm64\)/);
  });
});

describe('mode: report posts a fork’s saved report from a workflow_run, and never runs docker', () => {
  test('the comment and the check run land on the fork’s pull request, found by its head', async () => {
    gh.readOnly = true;
    const fork = await ship('pull_request-fork', 'forked', {});
    gh.readOnly = false;
    expect(fork.outputs.pushed).toBe('false');
    const saved = path.join(work, 'saved-report.json');
    await writeFile(saved, await readFile(fork.outputs.report));

    const event = payload('workflow_run', e => e.action === 'completed') as {
      workflow_run: Record<string, unknown>;
    };
    Object.assign(event.workflow_run, {
      head_sha: PR_HEAD_SHA,
      head_branch: 'changes',
      pull_requests: [],
      head_repository: { full_name: 'forker/Hello-World', owner: { login: 'forker' } }
    });
    gh.pulls.push({ number: 2, head: { sha: PR_HEAD_SHA, ref: 'changes', owner: 'forker' } });
    const { bin, calls } = await recordingDocker();
    const comments = gh.comments.length;
    const sent = gh.requests.length;
    const run = await runAction({
      inputs: { mode: 'report', 'report-file': saved, 'github-token': GITHUB_TOKEN },
      event: {
        name: 'workflow_run',
        payload: event,
        ref: 'refs/heads/master',
        sha: '5779607b49aab1200488439f02372c57b4f75444'
      },
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, GITHUB_API_URL: gh.url }
    });
    expect(run.stdout.split('\n').filter(l => l.startsWith('::error'))).toEqual([]);
    expect(run.exitCode).toBe(0);
    await expect(readFile(calls, 'utf8')).rejects.toThrow(/ENOENT/);
    expect(gh.comments.length).toBe(comments + 1);
    expect(commentOn(2)).toContain('Shipshape');
    expect(gh.checkRuns.at(-1)).toMatchObject({ head_sha: PR_HEAD_SHA, name: 'Shipshape (fork report)' });
    expect(run.outputs['comment-url']).toContain('issuecomment');
    await expectNothingLeaked(run, [GITHUB_TOKEN], { github: gh.requests.slice(sent).map(r => r.body) });
  });
});
