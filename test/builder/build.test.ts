import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runAction } from '../helpers/action.js';
import { PYTHON_BASE, ROOT, docker, engineStore, ensureDocker, removeImages } from '../helpers/docker.js';
import { context } from '../helpers/dockerfiles.js';
import { FAILING_RUN, expectFailingRunReported } from '../helpers/failing-run.js';
import { scenario } from '../helpers/events.js';

// Runs on each Docker 28 engine (classic and containerd image store) with buildx, as on
// GitHub-hosted runners; test/builder/fallback.docker20.test.ts covers the builders without buildx.
const IMAGE = 'shipshape-it.local/flask';

interface Inspect {
  Id: string;
  Size: number;
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

describe('build with buildx on a real daemon', () => {
  test('examples/flask on a v1.2.3 tag push: one image, every tag, OCI labels, its size in the report', async () => {
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
      event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha }
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Build with BuildKit via docker buildx');
    const [image] = JSON.parse(await docker(['image', 'inspect', `${IMAGE}:1.2.3`])) as Inspect[];
    expect(run.outputs['image-id']).toBe(image.Id);
    const report = JSON.parse(await readFile(run.outputs.report, 'utf8')) as {
      build: { sizeBytes: number; builder: Record<string, string> };
    };
    expect(report.build.sizeBytes).toBe(image.Size);
    // The builder as docker version and buildx version name it, though detection asks docker info.
    const [server, native] = (
      await docker(['version', '--format', '{{.Server.Version}}|{{.Server.Os}}/{{.Server.Arch}}'])
    )
      .trim()
      .split('|');
    const buildx = /\s(v?\d+\.\d+\.\d+\S*)/.exec(await docker(['buildx', 'version']))?.[1];
    expect(report.build.builder).toMatchObject({ kind: 'buildx', driver: 'docker', server, native, buildx });
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
    expect(run.summary).toContain(`${await engineStore()} image store`);
    // BuildKit names the digest it resolved the base to where the store has one (containerd);
    // a classic-store image made locally has none.
    const [base] = JSON.parse(await docker(['image', 'inspect', PYTHON_BASE])) as Inspect[];
    const digest = (await engineStore()) === 'containerd' ? `<br>\`${base.Id}\`` : '';
    expect(run.summary).toContain(`| Base image | \`${PYTHON_BASE}\`${digest} (line 3) |`);
  });

  test('a failing RUN names the instruction, its line and its last output', async () => {
    const dir = await mkdtemp(path.join(ROOT, 'test/.tmp-build-'));
    try {
      await context(dir, FAILING_RUN);
      const s = scenario('push-branch');
      const run = await runAction({
        inputs: {
          context: path.relative(ROOT, dir),
          images: 'shipshape-it.local/broken',
          scan: 'false',
          'smoke-test': 'false',
          lint: 'false',
          push: 'false'
        },
        event: { name: s.name, payload: s.payload, ref: s.ref, sha: s.sha }
      });
      expectFailingRunReported(run);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
