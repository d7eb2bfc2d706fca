import { describe, expect, test } from '@jest/globals';
import { capabilities, chooseBuilder } from '../../src/builder/detect.js';
import { buildCommand, type BuildRequest } from '../../src/builder/command.js';
import { buildAnnotations, preflight } from '../../src/builder/preflight.js';
import { buildOptions, builder } from '../helpers/dockerfiles.js';
import type { Builder } from '../../src/builder/contract.js';

const request = (extra: Partial<BuildRequest> = {}): BuildRequest => ({
  context: '/w',
  file: '/w/Dockerfile',
  tags: ['ghcr.io/acme/app:1.0.0'],
  labels: ['a=b'],
  annotations: [],
  buildArgs: { BASE: 'x' },
  target: '',
  platforms: [],
  noCache: false,
  cacheFrom: [],
  cacheTo: [],
  buildOptions: buildOptions(),
  output: { load: true },
  ...extra
});

describe('what each builder can do', () => {
  test.each<[string, Partial<Builder>, string[], Record<string, unknown>]>([
    [
      'classic store, docker driver',
      {},
      [],
      { multiPlatform: false, attestations: false, cacheExport: 'inline', output: 'load' }
    ],
    [
      'containerd store, docker driver',
      { store: 'containerd' },
      ['linux/amd64', 'linux/arm64'],
      { multiPlatform: true, attestations: true, cacheExport: 'local', output: 'load' }
    ],
    [
      'docker-container driver, one platform',
      { driver: 'docker-container' },
      [],
      { multiPlatform: true, attestations: true, cacheExport: 'local', output: 'load' }
    ],
    [
      'docker-container driver, two platforms',
      { driver: 'docker-container' },
      ['linux/amd64', 'linux/arm64'],
      { output: 'layout' }
    ],
    [
      'BuildKit inside a 20.10 CLI',
      { kind: 'buildkit', driver: undefined },
      [],
      { multiPlatform: false, cacheExport: 'inline' }
    ],
    [
      'the classic builder',
      { kind: 'classic', driver: undefined },
      [],
      { multiPlatform: false, cacheExport: 'none' }
    ]
  ])('%s', (_name, b, platforms, expected) => {
    expect(capabilities(builder(b), platforms)).toMatchObject(expected);
  });

  test('a CLI before 23.0 carries BuildKit; a later one without buildx does not', () => {
    expect(chooseBuilder(false, '20.10.24+dfsg1')).toBe('buildkit');
    expect(chooseBuilder(false, '28.5.2')).toBe('classic');
    expect(chooseBuilder(true, '20.10.24')).toBe('buildx');
  });
});

describe('preflight: refused before anything is built', () => {
  const two = ['linux/amd64', 'linux/arm64'];
  test('two platforms on the classic store with the docker driver: both ways out named', () => {
    const b = builder();
    expect(() =>
      preflight({ platforms: two, provenance: 'auto', buildOptions: buildOptions() }, b, capabilities(b, two))
    ).toThrow(
      /input "platforms" \(linux\/amd64, linux\/arm64\) needs a builder that can hold a multi-platform image, and this runner's Docker uses the classic image store with the docker driver, which cannot\. Either turn on the containerd image store \(docker\/setup-docker-action .*containerd-snapshotter.*\), or build with a docker-container builder \(docker\/setup-buildx-action\)\./
    );
  });

  test('provenance mode=max on the classic store: refused the same way', () => {
    const b = builder();
    expect(() =>
      preflight({ platforms: [], provenance: 'max', buildOptions: buildOptions() }, b, capabilities(b, []))
    ).toThrow(
      /input "provenance" \(mode=max\) needs a builder that can attach attestations.*docker\/setup-buildx-action/
    );
  });

  test('platforms without buildx', () => {
    const b = builder({ kind: 'buildkit', driver: undefined, client: '20.10.24' });
    expect(() =>
      preflight(
        { platforms: ['linux/amd64'], provenance: 'auto', buildOptions: buildOptions() },
        b,
        capabilities(b, [])
      )
    ).toThrow('input "platforms" needs docker buildx, which this runner\'s Docker CLI 20.10.24 lacks');
  });

  test.each<[string, Partial<Builder>, 'auto' | 'false' | 'min' | 'max', Record<string, unknown>]>([
    [
      'auto on the containerd store attaches mode=min',
      { store: 'containerd' },
      'auto',
      { provenance: 'min', notes: [] }
    ],
    [
      'auto on the classic store attaches none, and says why',
      {},
      'auto',
      {
        provenance: 'false',
        notes: ['no provenance: the classic image store with the docker driver cannot hold attestations']
      }
    ],
    ['mode=max where it can', { store: 'containerd' }, 'max', { provenance: 'max' }],
    ['false', { store: 'containerd' }, 'false', { provenance: 'false' }]
  ])('provenance: %s', (_name, b, provenance, expected) => {
    const full = builder(b);
    expect(
      preflight({ platforms: [], provenance, buildOptions: buildOptions() }, full, capabilities(full, []))
    ).toMatchObject(expected);
  });
});

describe('annotations: only where the builder keeps them', () => {
  const asked = ['manifest:org.opencontainers.image.title=app', 'index:org.opencontainers.image.title=app'];
  test.each<[string, Partial<Builder>, string[], string[], string | undefined]>([
    [
      'containerd store, two platforms: all',
      { store: 'containerd' },
      ['linux/amd64', 'linux/arm64'],
      asked,
      undefined
    ],
    [
      'containerd store, one platform: no index to annotate',
      { store: 'containerd' },
      [],
      [asked[0]],
      'index annotations need a multi-platform build (one platform makes no index)'
    ],
    [
      'classic store: none, the labels carry the keys',
      {},
      [],
      [],
      'the classic image store keeps no manifest annotations (the labels carry the same keys)'
    ],
    [
      'docker-container builder writing a layout: all',
      { driver: 'docker-container' },
      ['linux/amd64', 'linux/arm64'],
      asked,
      undefined
    ],
    ['no buildx: none', { kind: 'buildkit' }, [], [], 'annotations need docker buildx']
  ])('%s', (_name, b, platforms, kept, dropped) => {
    const full = builder(b);
    expect(buildAnnotations(asked, full, capabilities(full, platforms), platforms)).toEqual(
      dropped ? { annotations: kept, dropped } : { annotations: kept }
    );
  });
});

describe('the docker command', () => {
  test('buildx: --load, plain progress, every tag, label, build arg and cache entry', () => {
    const { args, env } = buildCommand(
      request({
        cacheFrom: [{ type: 'registry', attrs: { ref: 'ghcr.io/acme/app:main' } }],
        cacheTo: [{ type: 'inline', attrs: {} }],
        provenance: 'min',
        platforms: ['linux/amd64', 'linux/arm64'],
        annotations: ['manifest:org.opencontainers.image.version=1.0.0']
      }),
      builder()
    );
    expect(args).toEqual([
      'buildx',
      'build',
      '--load',
      '--progress=plain',
      '--file',
      '/w/Dockerfile',
      '--tag',
      'ghcr.io/acme/app:1.0.0',
      '--label',
      'a=b',
      '--build-arg',
      'BASE=x',
      '--platform',
      'linux/amd64,linux/arm64',
      '--annotation',
      'manifest:org.opencontainers.image.version=1.0.0',
      '--cache-from',
      'type=registry,ref=ghcr.io/acme/app:main',
      '--cache-to',
      'type=inline',
      '--provenance=mode=min',
      '/w'
    ]);
    expect(env).toEqual({});
  });

  test('cache credentials go in the environment, not in an argument', () => {
    const s3 = {
      type: 's3' as const,
      attrs: { region: 'eu', bucket: 'b' },
      env: { AWS_SECRET_ACCESS_KEY: 's3cr3t', AWS_SESSION_TOKEN: 't0k3n' }
    };
    const { args, env } = buildCommand(
      request({ cacheFrom: [s3], cacheTo: [{ ...s3, attrs: { ...s3.attrs, mode: 'max' } }] }),
      builder()
    );
    expect(args).toEqual(expect.arrayContaining(['--cache-from', 'type=s3,region=eu,bucket=b']));
    expect(args.join(' ')).not.toMatch(/s3cr3t|t0k3n/);
    expect(env).toEqual({ AWS_SECRET_ACCESS_KEY: 's3cr3t', AWS_SESSION_TOKEN: 't0k3n' });
  });

  test('an OCI layout instead of --load', () => {
    const { args } = buildCommand(request({ output: { layout: '/t/image' } }), builder());
    expect(args.slice(0, 4)).toEqual(['buildx', 'build', '--output', 'type=oci,dest=/t/image,tar=false']);
    expect(args).not.toContain('--load');
  });

  test('BuildKit in a 20.10 CLI: inline cache through --cache-from and BUILDKIT_INLINE_CACHE', () => {
    const { args, env } = buildCommand(
      request({
        cacheFrom: [{ type: 'registry', attrs: { ref: 'ghcr.io/acme/app:main' } }],
        cacheTo: [{ type: 'inline', attrs: {} }]
      }),
      builder({ kind: 'buildkit', driver: undefined })
    );
    expect(args).toEqual(
      expect.arrayContaining(['--cache-from', 'ghcr.io/acme/app:main', 'BUILDKIT_INLINE_CACHE=1'])
    );
    expect(args).not.toContain('--load');
    expect(env).toEqual({ DOCKER_BUILDKIT: '1' });
  });

  test('the classic builder removes the containers of failed steps (--force-rm)', () => {
    const { args, env } = buildCommand(request(), builder({ kind: 'classic', driver: undefined }));
    expect(args).toContain('--force-rm');
    expect(args).not.toContain('--progress=plain');
    expect(env).toEqual({ DOCKER_BUILDKIT: '0' });
  });
});
