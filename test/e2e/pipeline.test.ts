import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAction, standInEnv, type ActionRun } from '../helpers/action.js';
import {
  BUSYBOX,
  PYTHON_BASE,
  ROOT,
  engineStore,
  ensureDocker,
  removeImages,
  startRegistry,
  type Registry
} from '../helpers/docker.js';
import { scenario } from '../helpers/events.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { RegistryClient } from '../../src/registry/client.js';

const STORE = await engineStore();
let registry: Registry;
let gh: FakeGitHub;
let work: string;

beforeAll(async () => {
  await ensureDocker();
  registry = await startRegistry();
  gh = await startFakeGitHub();
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-e2e-'));
}, 300000);
afterAll(async () => {
  expect(gh.rejected()).toEqual([]);
  await gh.close();
  await registry.stop();
  await rm(work, { recursive: true, force: true });
  await removeImages('127.0.0.1:*/e2e/*');
});

const writesTo = (repo: string): string[] =>
  registry
    .log()
    .split('\n')
    .filter(l => new RegExp(`"(PUT|POST|PATCH|DELETE) /v2/e2e/${repo}/`).test(l));

/** Runs dist/index.js on examples/flask as the runner would, against the local registry and fake GitHub. */
async function ship(
  kind: string,
  repo: string,
  extra: { inputs?: Record<string, string>; fixture?: string; env?: Record<string, string> } = {}
): Promise<ActionRun> {
  const s = scenario(kind);
  return runAction({
    inputs: {
      context: 'examples/flask',
      images: `${registry.host}/e2e/${repo}`,
      'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
      'github-token': 'ghs_e2e',
      ...extra.inputs
    },
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { ...standInEnv(work, extra.fixture), GITHUB_API_URL: gh.url, GITHUB_JOB: 'image', ...extra.env }
  });
}

/** The build cache tag a push saves beside the image, where the store can export one. */
const cacheTag = (scope: string): string[] => (STORE === 'containerd' ? [`buildcache-${scope}`] : []);
const client = (repo: string) =>
  new RegistryClient({ registry: registry.host, repository: `e2e/${repo}` }, undefined);
const errors = (run: ActionRun) => run.stdout.split('\n').filter(l => l.startsWith('::error'));

describe('the bundled action end to end', () => {
  test('push to the default branch: branch and sha tags pushed, check run, summary', async () => {
    const run = await ship('push-branch', 'main');
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      pushed: 'true',
      'scan-result': 'passed',
      health: 'healthy',
      version: 'master'
    });
    expect(JSON.parse(run.outputs.vulnerabilities)).toEqual({
      UNKNOWN: 0,
      LOW: 0,
      MEDIUM: 4,
      HIGH: 0,
      CRITICAL: 0
    });
    expect((await client('main').tags()).sort()).toEqual([...cacheTag('master'), 'master', 'sha-6113728']);
    expect(await client('main').digest('master')).toBe(run.outputs.digest);
    expect(run.summary).toContain('shipped');
    expect(run.summary).toContain(`docker pull ${registry.host}/e2e/main@${run.outputs.digest}`);
    expect(JSON.parse(await readFile(run.outputs.report, 'utf8'))).toMatchObject({ outcome: 'pushed' });
    expect(JSON.parse(await readFile(run.outputs.sarif, 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(gh.checkRuns.at(-1)).toMatchObject({
      head_sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      conclusion: 'success'
    });
  });

  test('tag v1.2.3: semver tags and latest, one digest', async () => {
    const run = await ship('tag-v1.2.3', 'tagged');
    expect(run.exitCode).toBe(0);
    expect((await client('tagged').tags()).sort()).toEqual(['1', '1.2', '1.2.3', 'latest', 'sha-6113728']);
    for (const tag of ['1', '1.2', '1.2.3', 'latest'])
      expect(await client('tagged').digest(tag)).toBe(run.outputs.digest);
    expect(run.outputs.tags.split('\n')).toHaveLength(5);
  });

  test('release published: the release tag and its floating tags', async () => {
    const run = await ship('release-published', 'released');
    expect(run.exitCode).toBe(0);
    expect((await client('released').tags()).sort()).toEqual(['0', '0.0', '0.0.1', 'latest', 'sha-6113728']);
  });

  test('same-repository pull request: pr-2 and sha tags pushed, sticky comment written', async () => {
    const run = await ship('pull_request-opened', 'pr');
    expect(run.exitCode).toBe(0);
    expect((await client('pr').tags()).sort()).toEqual([...cacheTag('pr-2'), 'pr-2', 'sha-ec26c3e']);
    const comment = gh.comments.find(c => c.body.includes(`e2e/pr`));
    expect(comment?.html_url).toBe(run.outputs['comment-url']);
    expect(comment?.body).toContain('shipped');
  });

  test('fork pull request: nothing pushed, the reason in the summary, still green with a read-only token', async () => {
    gh.readOnly = true;
    try {
      const run = await ship('pull_request-fork', 'fork');
      expect(run.exitCode).toBe(0);
      expect(run.outputs.pushed).toBe('false');
      expect(run.summary).toContain('pull request from a fork');
      expect(writesTo('fork')).toEqual([]);
      expect(run.stdout).toContain('::warning::The token cannot');
    } finally {
      gh.readOnly = false;
    }
  });

  test('a scan over the gate: step fails, nothing written to the registry, the comment says why', async () => {
    const run = await ship('pull_request-opened', 'vulnerable', { fixture: 'alpine-39.json.golden' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ pushed: 'false', 'scan-result': 'failed' });
    expect(errors(run).join('\n')).toContain(
      'gate failed, nothing pushed: scan: 2 finding(s) at or above CRITICAL'
    );
    expect(writesTo('vulnerable')).toEqual([]);
    const comment = gh.comments.find(c => c.body.includes('e2e/vulnerable'));
    expect(comment?.body).toContain('failed a gate, nothing pushed');
    expect(comment?.body).toContain('CVE-2019-14697');
  });

  test('an unhealthy image: step fails, nothing written, evidence in the summary', async () => {
    // The app listens on 9999 while its HEALTHCHECK probes 3000.
    const run = await ship('push-branch', 'unhealthy', {
      inputs: { 'smoke-env': 'PORT=9999', 'health-timeout': '40s' }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ pushed: 'false', health: 'unhealthy' });
    expect(writesTo('unhealthy')).toEqual([]);
    expect(run.summary).toContain('became unhealthy');
    expect(run.summary).toContain('Server running on port 9999');
  });

  test.each([
    ['crash', /Trivy scan failed \(exit 1\)/],
    ['malformed', /Trivy wrote output that is not JSON/]
  ])('Trivy %s: a tool error, not findings; nothing written', async (mode, message) => {
    const run = await ship('push-branch', `trivy-${mode}`, { env: { TRIVY_STANDIN_MODE: mode } });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toMatch(message);
    expect(run.outputs.pushed).toBe('false');
    expect(writesTo(`trivy-${mode}`)).toEqual([]);
  });

  test('a lint gate (lint-fail-on: warning): step fails, nothing written', async () => {
    const dir = await mkdtemp(path.join(ROOT, 'test/.tmp-lint-'));
    try {
      await writeFile(path.join(dir, 'Dockerfile'), `FROM ${BUSYBOX}\nUSER 65534\nCMD ["sleep", "300"]\n`);
      await writeFile(path.join(dir, '.dockerignore'), '.git\n');
      const run = await ship('push-branch', 'linted', {
        inputs: { context: path.relative(ROOT, dir), 'lint-fail-on': 'warning', 'build-args': '' }
      });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toContain('lint: findings at or above lint-fail-on=warning');
      expect(run.stdout).toMatch(
        /::warning title=SS003 no-healthcheck,file=test\/.tmp-lint-\w+\/Dockerfile,line=1/
      );
      expect(writesTo('linted')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
