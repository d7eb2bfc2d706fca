import { beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runAction, standInEnv, STANDIN_INPUTS, type ActionRun } from '../helpers/action.js';
import { PASSWORD, USER, htpasswdAuth, tokenServer } from '../helpers/auth.js';
import {
  BUSYBOX,
  PYTHON_BASE,
  docker,
  engineStore,
  startRegistry,
  type Registry
} from '../helpers/docker.js';
import { scenario } from '../helpers/events.js';
import { type FakeGitHub } from '../helpers/fake-github.js';
import { e2eWorld } from '../helpers/world.js';
import { readRunnerLog } from '../helpers/runner-log.js';
import { DB_PASSWORD, GITHUB_TOKEN, SMOKE_SECRET_ENV, expectNothingLeaked } from '../helpers/leaks.js';
import { FORGED, forgedForShell, plant, trivyPlant } from '../helpers/plant.js';
import { context } from '../helpers/dockerfiles.js';
import { timelineStep } from '../helpers/report.js';
import { RegistryClient } from '../../src/registry/client.js';
import type { RunReport } from '../../src/results.js';
import { DEFAULT_DB_REPOSITORIES } from '../../src/action/inputs/inputs.js';
import { RUN_LABEL } from '../../src/common/docker.js';
import { processesUnder } from '../helpers/processes.js';

const STORE = await engineStore();
// Every run logs in: the password has to stay out of everything the run writes.
const SECRETS = [PASSWORD, GITHUB_TOKEN, DB_PASSWORD];
const world = e2eWorld('e2e', '127.0.0.1:*/e2e/*', SECRETS, async work => ({
  auth: await htpasswdAuth(work)
}));
let registry: Registry;
let gh: FakeGitHub;
let work: string;
beforeAll(() => void ({ registry, gh, work } = world));

const writesTo = (repo: string): string[] =>
  registry
    .log()
    .split('\n')
    .filter(l => new RegExp(`"(PUT|POST|PATCH|DELETE) /v2/e2e/${repo}/`).test(l));

/**
 * Runs dist/index.js on the planted examples/flask as the runner would, against the local
 * registry and fake GitHub, with a registry login, a GitHub token and a secret in `smoke-env`,
 * and those secrets planted with forged workflow commands in the Dockerfile, the build output
 * and Trivy's output; then asserts that none of them leaked anywhere the run wrote, that no
 * forged command ran and no container was left, and that a run that pushed nothing wrote
 * nothing to the registry.
 */
async function ship(
  kind: string,
  repo: string,
  extra: { inputs?: Record<string, string>; fixture?: string; env?: Record<string, string> } = {}
): Promise<ActionRun> {
  const s = scenario(kind);
  const sent = gh.requests.length;
  const run = await runAction({
    inputs: {
      context: 'examples/flask',
      images: `${registry.host}/e2e/${repo}`,
      'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
      username: USER,
      password: PASSWORD,
      'github-token': GITHUB_TOKEN,
      'smoke-env': SMOKE_SECRET_ENV,
      ...STANDIN_INPUTS,
      ...extra.inputs
    },
    workspace: world.workspace,
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: {
      ...standInEnv(work, extra.fixture),
      ...trivyPlant(SECRETS),
      GITHUB_API_URL: gh.url,
      GITHUB_JOB: 'image',
      ...extra.env
    }
  });
  await expectNothingLeaked(run, SECRETS, {
    github: gh.requests.slice(sent).map(r => r.body),
    registries: [registry.dir]
  });
  if (run.outputs.pushed !== 'true') expect(writesTo(repo)).toEqual([]);
  return run;
}

/** The build cache tag a push saves beside the image, where the store can export one. */
const cacheTag = (scope: string): string[] => (STORE === 'containerd' ? [`buildcache-${scope}`] : []);
const client = (repo: string) =>
  new RegistryClient(
    { registry: registry.host, repository: `e2e/${repo}` },
    { username: USER, password: PASSWORD }
  );
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
    // examples/flask passes BuildKit's checks: buildx reports `"warnings": null`.
    expect(run.summary).toContain("BuildKit's build checks: 0 findings");
    expect(JSON.parse(await readFile(run.outputs.report, 'utf8'))).toMatchObject({ outcome: 'pushed' });
    expect(JSON.parse(await readFile(run.outputs.sarif, 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(gh.checkRuns.at(-1)).toMatchObject({
      head_sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      conclusion: 'success'
    });
  });

  test("the report's timeline: every step ends after it starts; the lint and the scanner's preparation overlap the build", async () => {
    // examples/flask is one stage, so its default cache is inline on either store: on containerd this
    // run asks for a registry export, which BuildKit writes after the image is stored.
    const image = `${registry.host}/e2e/timeline`;
    const exported = { 'cache-to': `type=registry,ref=${image}:buildcache-master,mode=max` };
    const run = await ship('push-branch', 'timeline', STORE === 'containerd' ? { inputs: exported } : {});
    const { timeline = [] } = JSON.parse(await readFile(run.outputs.report, 'utf8')) as RunReport;
    for (const step of timeline) expect(step.endMs).toBeGreaterThanOrEqual(step.startMs);
    const step = (name: string) => timelineStep({ timeline }, name);
    expect(timeline.map(s => s.step)).toEqual(
      expect.arrayContaining(['lint', 'build', 'scanner ready', 'scan', 'smoke test', 'push'])
    );
    for (const beside of ['lint', 'scanner ready']) {
      expect(step(beside).startMs).toBeLessThan(step('build').endMs);
      expect(step(beside).endMs).toBeGreaterThan(step('build').startMs);
    }
    expect(step('scan').startMs).toBeGreaterThanOrEqual(step('build').endMs);
    expect(step('push').startMs).toBeGreaterThanOrEqual(
      Math.max(step('scan').endMs, step('smoke test').endMs)
    );
    if (STORE === 'containerd') {
      // The build step ends with the image in the store; BuildKit's cache export goes on in its own step and group.
      expect(step('build cache written').startMs).toBeLessThanOrEqual(step('build').endMs);
      const group = (title: string) =>
        run.stdout.split(`::group::${title}`)[1]?.split('::endgroup::')[0] ?? '';
      expect(group('Build with BuildKit via docker buildx')).toMatch(/^#\d+ exporting to image$/m);
      expect(group('Build with BuildKit via docker buildx')).not.toMatch(/exporting cache/);
      expect(group('Build cache export')).toMatch(/^#\d+ exporting cache to client directory$/m);
    } else {
      // The classic store's cache is inline, in the image: nothing is written after it.
      expect(timeline.map(s => s.step)).not.toContain('build cache written');
    }
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
    const run = await ship('pull_request-opened', 'vulnerable', { fixture: 'alpine-3.9.json' });
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
      inputs: { 'smoke-env': `PORT=9999\n${SMOKE_SECRET_ENV}`, 'health-timeout': '40s' }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ pushed: 'false', health: 'unhealthy' });
    expect(writesTo('unhealthy')).toEqual([]);
    expect(run.summary).toContain('became unhealthy');
    // Every smoke-env value is masked, this one too.
    expect(run.summary).toContain('Server running on port ***');
  });

  test.each([
    ['crash', /Trivy scan failed \(exit 1\)/],
    ['malformed', /Trivy wrote output that is not JSON/]
  ])(
    'Trivy %s: scan-result error, not findings; the step fails and nothing is written',
    async (mode, message) => {
      const run = await ship('push-branch', `trivy-${mode}`, { env: { TRIVY_STANDIN_MODE: mode } });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(message);
      expect(run.outputs).toMatchObject({ pushed: 'false', 'scan-result': 'error' });
      expect(run.outputs.vulnerabilities).toBe('{}');
      expect(run.summary).toContain('Trivy could not run');
      expect(writesTo(`trivy-${mode}`)).toEqual([]);
    }
  );

  test('Trivy crashes with scan-error: warn: pushed, and the scan gate says it was skipped and why', async () => {
    const run = await ship('push-branch', 'trivy-warn', {
      inputs: { 'scan-error': 'warn' },
      env: { TRIVY_STANDIN_MODE: 'crash' }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ pushed: 'true', 'scan-result': 'error' });
    expect(run.summary).toMatch(/\| scan \| ⏭️ skipped \| Trivy could not run \(scan-error: warn/);
    expect(run.stdout).toMatch(/^::warning::.*Trivy could not run/m);
  });

  test('an image whose build, logs and probe print forged workflow commands and the secrets: all inert and redacted', async () => {
    const dir = path.join(world.workspace, 'hostile');
    const probe = `printf '%s\\n' ${forgedForShell('the probe', SECRETS)}; echo "probe sees $DATABASE_URL"; exit 1`;
    const app = `printf '%s\\n' ${forgedForShell('the container log', SECRETS)}; echo "connecting to $DATABASE_URL"; sleep 300`;
    await plant(
      await context(dir, [
        `FROM ${BUSYBOX}`,
        'USER 65534',
        `HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ${JSON.stringify(['sh', '-c', probe])}`,
        `CMD ${JSON.stringify(['sh', '-c', app])}`
      ]),
      SECRETS
    );
    const run = await ship('pull_request-opened', 'hostile', {
      inputs: { context: 'hostile', 'lint-fail-on': 'none', 'build-args': '' }
    });
    expect(run.outputs).toMatchObject({ pushed: 'false', health: 'unhealthy' });
    // The evidence is shown, as text: in the log, the summary and the comment.
    const shown = readRunnerLog(run.stdout).shown.join('\n');
    expect(shown).toContain(`::error file=Dockerfile,line=1::${FORGED} by the probe`);
    expect(shown).toContain(`::warning::${FORGED} by the container log`);
    expect(shown).toContain('connecting to ***');
    expect(shown).toContain('the container log holds ***');
    expect(shown).toContain(`the build holds ***`);
    expect(run.summary).toContain('probe sees ***');
    const comment = gh.comments.find(c => c.body.includes('e2e/hostile'));
    expect(comment?.body).toContain('connecting to ***');
  });

  test('a build step that fails after printing the secrets: the error names it, the secrets redacted everywhere', async () => {
    const dir = path.join(world.workspace, 'leaky-build');
    await plant(
      await context(dir, [
        `FROM ${BUSYBOX}`,
        'RUN --mount=type=bind,source=.shipshape-plant,target=/tmp/plant cat /tmp/plant && exit 3',
        'CMD ["true"]'
      ]),
      SECRETS
    );
    const run = await ship('push-branch', 'leaky-build', {
      inputs: { context: 'leaky-build', 'lint-fail-on': 'none', 'build-args': '' }
    });
    expect(run.exitCode).toBe(1);
    const failure = errors(run).join('\n');
    expect(failure).toContain('build failed at RUN --mount=type=bind');
    expect(failure).toContain('the build holds ***');
    expect(run.summary).toContain('the build holds ***');
    expect(writesTo('leaky-build')).toEqual([]);
  });

  test('a build that fails while the scanner is still being prepared: no process, container or temp file left', async () => {
    const dir = path.join(world.workspace, 'fails-early');
    await context(dir, [`FROM ${BUSYBOX}`, 'RUN exit 4', 'CMD ["true"]']);
    const cache = await mkdtemp(path.join(work, 'cold-db-'));
    const run = await ship('push-branch', 'fails-early', {
      inputs: { context: 'fails-early', 'lint-fail-on': 'none', 'build-args': '' },
      // A cold DB cache and a slow DB update: the build fails while the update runs.
      env: { SHIPSHAPE_TRIVY_CACHE_DIR: cache, TRIVY_STANDIN_DB_DELAY_MS: '4000' }
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toContain('build failed at RUN exit 4');
    const report = JSON.parse(await readFile(run.outputs.report, 'utf8')) as RunReport;
    const step = (name: string) => timelineStep(report, name);
    expect(step('scanner ready').startMs).toBeLessThan(step('build').endMs);
    expect(step('scanner ready').endMs).toBeGreaterThan(step('build').endMs);
    expect(await processesUnder([run.dir, cache])).toEqual([]);
    expect(await docker(['ps', '-aq', '--filter', `label=${RUN_LABEL}=${run.state['run-label']}`])).toBe('');
    expect((await readdir(cache)).filter(f => /tmp|partial/i.test(f))).toEqual([]);
  });

  test('a DB update that fails while the image builds: the scan-error outcome, decided after the build', async () => {
    const cache = await mkdtemp(path.join(work, 'no-db-'));
    const run = await ship('push-branch', 'db-down', {
      inputs: { 'scan-error': 'warn' },
      env: { SHIPSHAPE_TRIVY_CACHE_DIR: cache, TRIVY_STANDIN_DB_DOWN: DEFAULT_DB_REPOSITORIES.join(',') }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ pushed: 'true', 'scan-result': 'error' });
    expect(run.summary).toMatch(/\| scan \| ⏭️ skipped \| Trivy could not run \(scan-error: warn/);
  });

  test('a push refused by the second of two registries (pull-only there): outputs, summary and check run say what went out', async () => {
    // Anyone may pull, only a login may push, and the run logs in to the first registry only.
    const tokens = await tokenServer(await mkdtemp(path.join(work, 'locked-')), {
      anonymousPull: true
    });
    const locked = await startRegistry({ auth: tokens.auth });
    try {
      const names = [`${registry.host}/e2e/partial`, `${locked.host}/e2e/partial`];
      const run = await ship('push-branch', 'partial', { inputs: { images: names.join('\n') } });
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ pushed: 'true', digest: await client('partial').digest('master') });
      expect(run.outputs.tags.split('\n').sort()).toEqual([`${names[0]}:master`, `${names[0]}:sha-6113728`]);
      expect(errors(run).join('\n')).toContain(
        `push failed part-way: not pushed: ${names[1]}:master, ${names[1]}:sha-6113728; pushed: ${names[0]}:master, ${names[0]}:sha-6113728`
      );
      expect(run.summary).toContain('pushed part-way');
      expect(run.summary).toMatch(
        new RegExp(`Not pushed:\\n\\n- \`${names[1].replace(/[.:]/g, '\\$&')}:master\`: push of`)
      );
      expect(gh.checkRuns.at(-1)?.output?.title).toBe('Push failed part-way: see which tags went out');
      expect(JSON.parse(await readFile(run.outputs.report, 'utf8'))).toMatchObject({ outcome: 'partial' });
      expect(run.summary).toContain('was refused');
    } finally {
      await Promise.all([locked.stop(), tokens.close()]);
    }
  });

  test('a second registry the run cannot read (no login there): it fails before pushing to either', async () => {
    const locked = await startRegistry({
      auth: await htpasswdAuth(await mkdtemp(path.join(work, 'unread-')))
    });
    try {
      const run = await ship('push-branch', 'unread', {
        inputs: { images: `${registry.host}/e2e/unread\n${locked.host}/e2e/unread` }
      });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toContain(`listing tags: HTTP 401 from ${locked.host}`);
      expect(run.outputs.pushed).toBe('false');
      expect(locked.log()).not.toMatch(/"(PUT|POST|PATCH) \/v2\//);
    } finally {
      await locked.stop();
    }
  });

  test('a Dockerfile that cannot be read: the summary, the comment and the check run say so', async () => {
    const run = await ship('pull_request-opened', 'unreadable', {
      inputs: { file: 'examples/flask/Missing.Dockerfile' }
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toContain('cannot read the Dockerfile');
    expect(run.summary).toContain('failed, nothing pushed');
    expect(run.summary).toContain('cannot read the Dockerfile');
    const comment = gh.comments.find(c => c.body.includes('e2e/unreadable'));
    expect(comment?.body).toContain('cannot read the Dockerfile');
    expect(gh.checkRuns.at(-1)).toMatchObject({ conclusion: 'failure' });
    expect(writesTo('unreadable')).toEqual([]);
  });

  test('a lint gate (lint-fail-on: warning): step fails, nothing written', async () => {
    const dir = path.join(world.workspace, 'linted');
    await plant(await context(dir, [`FROM ${BUSYBOX}`, 'USER 65534', 'CMD ["sleep", "300"]']), SECRETS);
    const run = await ship('push-branch', 'linted', {
      inputs: { context: 'linted', 'lint-fail-on': 'warning', 'build-args': '' }
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toContain('lint: findings at or above lint-fail-on=warning');
    expect(run.stdout).toMatch(/::warning title=SS003 no-healthcheck,file=linted\/Dockerfile,line=1/);
    expect(writesTo('linted')).toEqual([]);
  });
});
