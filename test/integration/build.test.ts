import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runAction } from '../helpers/action.js';
import { BUSYBOX, PYTHON_BASE, ROOT, docker, ensureDocker, removeImages } from '../helpers/docker.js';
import { scenario } from '../helpers/events.js';

// /usr/bin/docker is Debian's 20.10 CLI with BuildKit built in; /usr/local/bin/docker is a
// v28 CLI without buildx. Pointing PATH at one or the other exercises both builder paths.
const BUILDKIT_PATH = `/usr/bin:${process.env.PATH ?? ''}`;
const CLASSIC_PATH = `/usr/local/bin:${process.env.PATH ?? ''}`;
const IMAGE = 'shipshape-it.local/flask';

interface Inspect {
  Id: string;
  RepoTags: string[];
  Config: { Labels: Record<string, string>; Healthcheck?: { Test: string[] } };
}

beforeAll(async () => {
  await ensureDocker();
}, 300000);
afterAll(async () => {
  await removeImages(`${IMAGE}*`);
  await removeImages('shipshape-it.local/*');
});

describe('build with the real daemon', () => {
  test('examples/flask on a v1.2.3 tag push: one image, every tag, OCI labels (BuildKit)', async () => {
    const s = scenario('tag-v1.2.3');
    const run = await runAction({
      inputs: {
        context: 'examples/flask',
        images: IMAGE,
        'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
        labels: 'com.example.tutorial=flask',
        scan: 'false',
        'smoke-test': 'false',
        lint: 'false',
        push: 'false'
      },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
      env: { PATH: BUILDKIT_PATH }
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('BuildKit built into the Docker CLI');
    const [image] = JSON.parse(await docker(['image', 'inspect', `${IMAGE}:1.2.3`])) as Inspect[];
    expect(run.outputs['image-id']).toBe(image.Id);
    expect(image.RepoTags.sort()).toEqual(
      ['1.2.3', '1.2', '1', 'sha-6113728', 'latest'].map(t => `${IMAGE}:${t}`).sort()
    );
    expect(image.Config.Labels).toMatchObject({
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.revision': '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      'org.opencontainers.image.source': 'https://github.com/Codertocat/Hello-World',
      'org.opencontainers.image.title': 'Hello-World',
      'com.example.tutorial': 'flask'
    });
    expect(image.Config.Healthcheck?.Test.join(' ')).toContain('curl -fsS http://localhost:3000/health');
    expect(run.summary).toContain(image.Id);
  });

  test('a failing RUN names the instruction, its line and its last output (BuildKit and classic)', async () => {
    const dir = await mkdtemp(path.join(ROOT, 'test/.tmp-build-'));
    try {
      await writeFile(
        path.join(dir, 'Dockerfile'),
        [
          `FROM ${BUSYBOX}`,
          'RUN echo preparing',
          'RUN echo step-one && \\',
          '    echo boom-detail && false',
          'CMD ["true"]',
          ''
        ].join('\n')
      );
      const s = scenario('push-branch');
      for (const PATH of [BUILDKIT_PATH, CLASSIC_PATH]) {
        const run = await runAction({
          inputs: {
            context: path.relative(ROOT, dir),
            images: 'shipshape-it.local/broken',
            scan: 'false',
            'smoke-test': 'false',
            lint: 'false',
            push: 'false'
          },
          event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
          env: { PATH }
        });
        expect(run.exitCode).toBe(1);
        const error = run.stdout.split('\n').find(l => l.startsWith('::error::')) ?? '';
        expect(error).toContain(
          'build failed at RUN echo step-one && echo boom-detail && false (Dockerfile line 3)'
        );
        expect(error).toContain('boom-detail');
        expect(error).not.toContain('preparing');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('without buildx or built-in BuildKit the classic builder is used, with a warning', async () => {
    const s = scenario('push-branch');
    const run = await runAction({
      inputs: {
        context: 'examples/flask',
        images: 'shipshape-it.local/classic',
        'build-args': `BASE_IMAGE=${PYTHON_BASE}`,
        scan: 'false',
        'smoke-test': 'false',
        lint: 'false',
        push: 'false'
      },
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha },
      env: { PATH: CLASSIC_PATH }
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/::warning::Docker CLI 2\d\.[\d.]+ has no buildx and no built-in BuildKit/);
    const tags = await docker([
      'image',
      'inspect',
      '--format',
      '{{join .RepoTags " "}}',
      run.outputs['image-id']
    ]);
    expect(tags.split(' ').sort()).toEqual([
      'shipshape-it.local/classic:master',
      'shipshape-it.local/classic:sha-6113728'
    ]);
  });
});
