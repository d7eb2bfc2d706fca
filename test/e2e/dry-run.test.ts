import { describe, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { recordingDocker, runAction } from '../helpers/action.js';
import { PASSWORD, USER } from '../helpers/auth.js';
import { PR_HEAD_SHA, scenario } from '../helpers/events.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { DB_PASSWORD, SMOKE_SECRET_ENV, expectNothingLeaked } from '../helpers/leaks.js';

/** A dry run of examples/flask on a recorded event, with a `docker` that must stay uncalled. */
function dryRun(kind: string, bin: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const s = scenario(kind);
  return runAction({
    inputs: { 'dry-run': 'true', context: 'examples/flask', ...inputs },
    event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env }
  });
}

describe('dry-run: node dist/index.js as the runner runs it', () => {
  test('tag v1.2.3: outputs, summary, no docker call', async () => {
    const { bin, calls } = await recordingDocker();
    const run = await dryRun(
      'tag-v1.2.3',
      bin,
      {
        images: 'ghcr.io/acme/app\ndocker.io/acme/app',
        username: USER,
        password: PASSWORD,
        'smoke-env': SMOKE_SECRET_ENV
      },
      { INPUT_LABELS: 'com.example.team=ships' }
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs.version).toBe('1.2.3');
    expect(run.outputs.tags.split('\n')).toEqual([
      'ghcr.io/acme/app:1.2.3',
      'ghcr.io/acme/app:1.2',
      'ghcr.io/acme/app:1',
      'ghcr.io/acme/app:sha-6113728',
      'ghcr.io/acme/app:latest',
      'docker.io/acme/app:1.2.3',
      'docker.io/acme/app:1.2',
      'docker.io/acme/app:1',
      'docker.io/acme/app:sha-6113728',
      'docker.io/acme/app:latest'
    ]);
    expect(run.outputs.image).toBe('ghcr.io/acme/app:1.2.3');
    expect(run.outputs.labels.split('\n')).toContain('org.opencontainers.image.version=1.2.3');
    expect(run.outputs.labels.split('\n')).toContain('com.example.team=ships');
    expect(run.summary).toContain('planned (dry run: nothing built or pushed)');
    expect(run.summary).toContain('`1.2.3`');
    await expect(readFile(calls, 'utf8')).rejects.toThrow(/ENOENT/);
    await expectNothingLeaked(run, [PASSWORD, DB_PASSWORD]);
  });

  test("pull_request_target with a flavor and {{commit_date}}: metadata-action's outputs, the date from the API", async () => {
    const { bin, calls } = await recordingDocker();
    const github = await startFakeGitHub();
    github.commits[PR_HEAD_SHA] = '2026-11-20T08:09:10Z';
    const token = 'ghs_dryRunTokenThatMustNotShow0123456789';
    try {
      const run = await dryRun(
        'pull_request_target',
        bin,
        {
          images: 'ghcr.io/acme/app',
          tags: "type=ref,event=pr\ntype=raw,value=built-{{commit_date 'YYYYMMDD'}}",
          flavor: 'suffix=-slim',
          annotations: 'com.example.team=ships',
          'github-token': token
        },
        { GITHUB_API_URL: github.url, DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index' }
      );
      expect(run.exitCode).toBe(0);
      expect(run.outputs['tag-names'].split('\n')).toEqual(['pr-2-slim', 'built-20261120-slim']);
      const json = JSON.parse(run.outputs.json) as {
        tags: string[];
        labels: Record<string, string>;
        annotations: string[];
      };
      expect(json.tags).toEqual(['ghcr.io/acme/app:pr-2-slim', 'ghcr.io/acme/app:built-20261120-slim']);
      expect(json.labels['org.opencontainers.image.revision']).toBe(PR_HEAD_SHA);
      expect(json.annotations).toEqual(run.outputs.annotations.split('\n'));
      expect(json.annotations).toContain('manifest:com.example.team=ships');
      expect(json.annotations).toContain('index:org.opencontainers.image.version=pr-2-slim');
      expect(github.requests.map(r => r.operation)).toEqual(['GET /repos/{owner}/{repo}/commits/{ref}']);
      await expect(readFile(calls, 'utf8')).rejects.toThrow(/ENOENT/);
      await expectNothingLeaked(run, [token], { github: github.requests.map(r => r.body) });
    } finally {
      await github.close();
    }
  });

  test('a smoke-env line that is not KEY=VALUE is refused by its number; its text is not shown', async () => {
    const s = scenario('push-branch');
    const run = await runAction({
      inputs: { 'smoke-env': `${SMOKE_SECRET_ENV}\n${DB_PASSWORD}`, password: PASSWORD, username: USER },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha }
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::input "smoke-env": line 2 is not KEY=VALUE');
    await expectNothingLeaked(run, [PASSWORD, DB_PASSWORD]);
  });

  test('an invalid rule fails the step with the input named; docker was only asked what it has', async () => {
    const { bin, calls } = await recordingDocker();
    const s = scenario('push-branch');
    const run = await runAction({
      inputs: { tags: 'type=semver' },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` }
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::input "tags": rule "type=semver": type=semver needs pattern=');
    // The builder's detection starts once the inputs are read, beside the plan that refuses the rule.
    const asked = (await readFile(calls, 'utf8')).trim().split('\n').sort();
    expect(asked.map(call => call.split(' ').slice(0, 2).join(' '))).toEqual([
      'buildx inspect',
      'info --format'
    ]);
  });

  test('a bad boolean input is refused with its name', async () => {
    const s = scenario('push-branch');
    const run = await runAction({
      inputs: { 'dry-run': 'maybe' },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha }
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('input "dry-run" must be true or false; got "maybe"');
  });
});
