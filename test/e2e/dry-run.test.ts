import { describe, expect, test } from '@jest/globals';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '../helpers/action.js';
import { PASSWORD, USER } from '../helpers/auth.js';
import { scenario } from '../helpers/events.js';
import { DB_PASSWORD, SMOKE_SECRET_ENV, expectNothingLeaked } from '../helpers/leaks.js';

/** A `docker` that only records that it was called: a dry run must never reach it. */
async function recordingDocker(): Promise<{ bin: string; calls: string }> {
  const bin = await mkdtemp(path.join(os.tmpdir(), 'shipshape-nodocker-'));
  const calls = path.join(bin, 'calls');
  await writeFile(path.join(bin, 'docker'), `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`);
  await chmod(path.join(bin, 'docker'), 0o755);
  return { bin, calls };
}

describe('dry-run: node dist/index.js as the runner runs it', () => {
  test('tag v1.2.3: outputs, summary, no docker call', async () => {
    const { bin, calls } = await recordingDocker();
    const s = scenario('tag-v1.2.3');
    const run = await runAction({
      inputs: {
        'dry-run': 'true',
        context: 'examples/flask',
        images: 'ghcr.io/acme/app\ndocker.io/acme/app',
        username: USER,
        password: PASSWORD,
        'smoke-env': SMOKE_SECRET_ENV
      },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, INPUT_LABELS: 'com.example.team=ships' }
    });
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

  test('an invalid rule fails the step with the input named, before any docker call', async () => {
    const { bin, calls } = await recordingDocker();
    const s = scenario('push-branch');
    const run = await runAction({
      inputs: { tags: 'type=semver' },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` }
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::input "tags": rule "type=semver": type=semver needs pattern=');
    await expect(readFile(calls, 'utf8')).rejects.toThrow(/ENOENT/);
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
