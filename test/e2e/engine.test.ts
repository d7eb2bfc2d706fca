import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUSYBOX, engineStore, FIXTURES, ROOT } from '../helpers/docker.js';
import { TWO_PLATFORMS, context } from '../helpers/dockerfiles.js';
import { engineWorld, SECRETS } from '../helpers/engine-world.js';
import { plant } from '../helpers/plant.js';
import { watchCommandLines } from '../helpers/processes.js';

// Runs on both Docker 28 engines; what differs between the classic and the containerd image
// store is asserted for the store the engine has.
const STORE = await engineStore();
const world = engineWorld('engine');
const { app, ship, clientOf, errors } = world;

describe(`the digest you deploy is the one that was gated (${STORE} image store)`, () => {
  test('every tag on both image names resolves to the digest output, which holds the gated image', async () => {
    const dir = await app('truth');
    const names = [`${world.registry.host}/engine/truth`, `${world.other.host}/engine/truth`];
    const run = await ship(dir, names.join('\n'));
    expect(errors(run)).toEqual([]);
    expect(run.outputs.pushed).toBe('true');
    const digest = run.outputs.digest;
    for (const [r, name] of [
      [world.registry, names[0]],
      [world.other, names[1]]
    ] as const) {
      for (const tag of ['master', 'sha-6113728'])
        expect(await clientOf(r, 'engine/truth').digest(tag)).toBe(digest);
      expect(run.summary).toContain(`docker pull ${name}@${digest}`);
    }
    // The gated image is the local one: its index digest on containerd, its config in the manifest on classic.
    if (STORE === 'containerd') expect(digest).toBe(run.outputs['image-id']);
    else
      expect(await clientOf(world.registry, 'engine/truth').configDigest(digest)).toBe(
        run.outputs['image-id']
      );
  });

  test('pushing the same image again is not a release conflict', async () => {
    const dir = await app('again');
    const image = `${world.registry.host}/engine/again`;
    // One nonce for both runs, new to this daemon: an older run's cache of the same step could
    // otherwise hand the second build another result of it than the first build made.
    const nonce = `NONCE=${randomBytes(8).toString('hex')}`;
    const first = await ship(dir, image, { version: '1.0.0', 'build-args': nonce });
    expect(first.exitCode).toBe(0);
    const again = await ship(dir, image, { version: '1.0.0', 'build-args': nonce, labels: '' });
    expect(errors(again)).toEqual([]);
  });
});

describe(`build cache from the registry (${STORE} image store)`, () => {
  test('a missing cache warns and builds', async () => {
    const dir = await app('missing');
    const run = await ship(dir, `${world.registry.host}/engine/missing`, {
      'cache-from': `type=registry,ref=${world.registry.host}/engine/nothing-here:cache`,
      scan: 'false',
      'smoke-test': 'false'
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `::warning::Build cache ${world.registry.host}/engine/nothing-here:cache could not be read (not found): building without it`
    );
  });

  test('a cache export that cannot be written warns and builds without it', async () => {
    const run = await ship(await app('export'), `${world.registry.host}/engine/export`, {
      'cache-to': 'type=local,dest=/proc/shipshape-cannot-write,mode=max',
      scan: 'false',
      'smoke-test': 'false'
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      STORE === 'containerd'
        ? /::warning::Build cache export failed \(.*\/proc\/shipshape-cannot-write.*\): building without exporting cache/
        : /::warning::Build cache not used: type=local,dest=\/proc\/shipshape-cannot-write,mode=max: the docker driver on the classic image store exports inline cache only/
    );
  });

  test('S3 cache credentials: on no command line while it builds, in no output, report or log', async () => {
    const s3 = ['s3-Secret-Access-Key-0123456789', 's3-Session-Token-0123456789'];
    const watch = watchCommandLines(s3);
    const shipped = ship(
      await app('s3'),
      `${world.registry.host}/engine/s3`,
      {
        'cache-from': `type=s3,region=eu-west-1,bucket=cache,secret_access_key=${s3[0]},session_token=${s3[1]}`,
        'cache-to': `type=s3,region=eu-west-1,bucket=cache,mode=max,secret_access_key=${s3[0]},session_token=${s3[1]}`,
        scan: 'false',
        'smoke-test': 'false'
      },
      {},
      s3
    );
    const run = await shipped.finally(() => watch.stop().then(seen => expect(seen).toEqual([])));
    expect(run.exitCode).toBe(0);
    // The docker driver has no S3 cache: it says so and builds without it.
    expect(run.stdout).toMatch(
      /::warning::Build cache (not used: type=s3,region=eu-west-1,bucket=cache|export failed)/
    );
  });

  test('a failed gate writes nothing to the registry, not even the build cache', async () => {
    // alpine-310 has 4 MEDIUM findings: fail-on MEDIUM fails the scan gate after a full build.
    const run = await ship(await app('gated'), `${world.registry.host}/engine/gated`, {
      'fail-on': 'MEDIUM'
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Build with BuildKit via docker buildx');
    expect(world.registry.log()).not.toMatch(/"(PUT|POST|PATCH|DELETE) \/v2\/engine\/gated\//);
  });
});

describe(`build-push-action's build inputs (${STORE} image store)`, () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  test('secrets by value, variable and file, an SSH key, named contexts and hosts reach RUN; no secret value anywhere', async () => {
    const [byValue, byEnv, byFile] = ['value', 'env', 'file'].map(
      kind => `build-secret-${kind}-${randomBytes(12).toString('hex')}`
    );
    const dir = path.join(world.work, 'build-inputs');
    await mkdir(path.join(dir, 'lib'), { recursive: true });
    await writeFile(path.join(dir, 'lib', 'shared.txt'), 'from a named context\n');
    const secretFile = path.join(world.work, 'file-secret.txt');
    await writeFile(secretFile, byFile, { mode: 0o600 });
    const key = path.join(world.work, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    // Each RUN proves its secret arrived by its hash: the value itself is in no instruction.
    await context(
      dir,
      [
        'FROM base',
        `RUN --mount=type=secret,id=token,required=true sha256sum /run/secrets/token | grep -q ${sha256(byValue)}`,
        `RUN --mount=type=secret,id=fromenv,required=true sha256sum /run/secrets/fromenv | grep -q ${sha256(byEnv)}`,
        `RUN --mount=type=secret,id=fromfile,required=true sha256sum /run/secrets/fromfile | grep -q ${sha256(byFile)}`,
        'RUN --mount=type=ssh,required=true test -S "$SSH_AUTH_SOCK"',
        'RUN grep -q "10.1.2.3.*db.internal" /etc/hosts',
        'COPY --from=lib shared.txt /shared.txt',
        'USER 65534',
        'CMD ["sleep", "3600"]'
      ],
      {}
    );
    const secrets = [byValue, byEnv, byFile];
    const watch = watchCommandLines(secrets);
    const shipped = ship(
      dir,
      `${world.registry.host}/engine/build-inputs`,
      {
        secrets: `token=${byValue}`,
        'secret-envs': 'fromenv=SHIPSHAPE_TEST_BUILD_SECRET',
        'secret-files': `fromfile=${secretFile}`,
        ssh: `default=${key}`,
        'build-contexts': `base=docker-image://${BUSYBOX}\nlib=${path.relative(ROOT, path.join(dir, 'lib'))}`,
        'add-hosts': 'db.internal:10.1.2.3',
        ...(STORE === 'containerd' ? { provenance: 'mode=max' } : {}),
        'smoke-test': 'false'
      },
      { SHIPSHAPE_TEST_BUILD_SECRET: byEnv },
      secrets
    );
    const run = await shipped.finally(() => watch.stop().then(seen => expect(seen).toEqual([])));
    expect(errors(run)).toEqual([]);
    expect(run.outputs.pushed).toBe('true');
    expect(run.stdout).toContain('--mount=type=secret,id=token');
  });

  /** A final stage's last lines that draw no finding of their own. */
  const FINDINGLESS = ['HEALTHCHECK CMD ["true"]', 'USER 65534', 'CMD ["sleep", "3600"]'];
  /** A run (no push, scan or smoke test) of a Dockerfile of `lines`, and the check calls (`--call=check`) it made. */
  const checkedRun = async (name: string, lines: string[], extra: Record<string, string> = {}) => {
    const dir = await context(path.join(world.work, name), lines);
    const watch = watchCommandLines([dir]);
    const inputs = { push: 'false', scan: 'false', 'smoke-test': 'false', ...extra };
    const run = await ship(dir, `${world.registry.host}/engine/${name}`, inputs);
    return { run, checkCalls: (await watch.stop()).filter(line => line.includes('--call=check')) };
  };

  test("BuildKit's build checks annotated on their lines beside Shipshape's rules, as the build reported them (no check call); lint-ignore drops one", async () => {
    const lines = [
      `FROM ${BUSYBOX} as builder`,
      'ENV APP_HOME=$UNDEFINED_HOME/app',
      `FROM ${BUSYBOX}`,
      'COPY --from=builder /bin/true /true',
      ...FINDINGLESS
    ];
    const { run, checkCalls } = await checkedRun('checks', lines);
    expect(checkCalls).toEqual([]);
    expect(run.exitCode).toBe(0);
    const annotations = run.stdout.split('\n').filter(l => l.startsWith('::warning title='));
    expect(annotations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^::warning title=FromAsCasing from-as-casing,file=.*Dockerfile,line=1,/),
        expect.stringMatching(
          /^::warning title=UndefinedVar undefined-var,file=.*Dockerfile,line=2,.*UNDEFINED_HOME/
        )
      ])
    );
    expect(run.summary).toContain("BuildKit's build checks: 2 findings, as the build reported them");
    const ignored = (await checkedRun('checks', lines, { 'lint-ignore': 'FromAsCasing' })).run;
    expect(ignored.stdout).not.toContain('title=FromAsCasing');
    expect(ignored.stdout).toContain('title=UndefinedVar');
  });

  test("a stage the build skips, or a build that fails: BuildKit's build checks come from a check call of their own", async () => {
    const skipping = await checkedRun('checks-skipped', [
      `FROM ${BUSYBOX} AS test`,
      // Checked only by a check call: a build skips this stage, and its instructions go unchecked.
      'ENV MODE test',
      `FROM ${BUSYBOX}`,
      ...FINDINGLESS
    ]);
    expect(skipping.checkCalls).not.toEqual([]);
    expect(skipping.run.exitCode).toBe(0);
    expect(skipping.run.stdout).toMatch(
      /^::warning title=LegacyKeyValueFormat legacy-key-value-format,file=.*Dockerfile,line=2,/m
    );
    const counted = "BuildKit's build checks: 1 finding, from a check call of their own";
    expect(skipping.run.summary).toContain(counted);
    const failing = await checkedRun('checks-failing', [`FROM ${BUSYBOX} as base`, 'RUN exit 3']);
    expect(failing.run.exitCode).toBe(1);
    expect(failing.run.stdout).toMatch(
      /^::warning title=FromAsCasing from-as-casing,file=.*Dockerfile,line=1,/m
    );
    expect(failing.run.summary).toContain(counted);
  });

  test('a tag rule that yields no tag: the run fails naming it before any build; the lint still reports, checks from a check call', async () => {
    const { run, checkCalls } = await checkedRun('no-tag', [`FROM ${BUSYBOX}`, ...FINDINGLESS], {
      tags: 'type=semver,pattern={{version}}'
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::no tag rule produced a tag for event "push"');
    expect(run.stdout).not.toContain('::group::Build with');
    expect(checkCalls).not.toEqual([]);
    expect(run.summary).toContain("BuildKit's build checks: 0 findings, from a check call of their own");
  });

  test('builder: the default builder by name builds; a name buildx does not know is refused before the build', async () => {
    const dir = await app('named-builder');
    const inputs = { push: 'false', scan: 'false', 'smoke-test': 'false' };
    const named = await ship(dir, `${world.registry.host}/engine/named`, { ...inputs, builder: 'default' });
    expect(named.exitCode).toBe(0);
    expect(named.stdout).toContain('Build with BuildKit via docker buildx');
    const unknown = await ship(dir, `${world.registry.host}/engine/named`, { ...inputs, builder: 'nope' });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stdout).toMatch(/::error::input "builder": no buildx builder named nope \(/);
    expect(unknown.stdout).not.toContain('Build with');
  });

  test.each([
    ['secrets', 'no-id-here'],
    ['add-hosts', 'db.internal'],
    ['build-contexts', 'lib=./does-not-exist'],
    ['ulimit', 'nofile'],
    ['shm-size', 'lots']
  ])('bad %s: refused before the build, naming the input', async (input, value) => {
    const run = await ship(await app(`bad-${input}`), `${world.registry.host}/engine/bad`, {
      [input]: value
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::input "${input}"`));
    expect(run.stdout).not.toContain('Build with');
  });
});

const twoPlatformApp = async (): Promise<string> =>
  plant(await context(path.join(world.work, 'multi'), TWO_PLATFORMS), SECRETS);

interface Index {
  annotations?: Record<string, string>;
  manifests: {
    digest: string;
    platform: { os: string; architecture: string };
    annotations?: Record<string, string>;
  }[];
}
const indexOf = async (repo: string, reference: string): Promise<Index> =>
  JSON.parse((await clientOf(world.registry, repo).manifest(reference))?.bytes.toString() ?? '{}') as Index;
const attestations = (index: Index) =>
  (index.manifests ?? []).filter(
    m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
  );

if (STORE === 'containerd') {
  describe('multi-platform and attestations on the containerd image store', () => {
    test('linux/amd64 + linux/arm64: one index pushed whole, native smoke test, every platform scanned, annotated', async () => {
      const log = path.join(world.work, 'trivy-multi.log');
      const run = await ship(
        await twoPlatformApp(),
        `${world.registry.host}/engine/multi`,
        { platforms: 'linux/amd64,linux/arm64', annotations: 'com.example.team=ships' },
        {
          TRIVY_STANDIN_LOG: log,
          // What Trivy finds in each platform's image: a report per platform.
          TRIVY_STANDIN_FIXTURE: ['alpine-3.10.json', 'alpine-3.10-arm64.json']
            .map(f => path.join(FIXTURES, f))
            .join(','),
          DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index'
        }
      );
      expect(errors(run)).toEqual([]);
      expect(run.outputs).toMatchObject({ pushed: 'true', health: 'healthy' });
      const index = await indexOf('engine/multi', 'master');
      expect(
        index.manifests
          .filter(m => m.platform.os === 'linux')
          .map(m => m.platform.architecture)
          .sort()
      ).toEqual(['amd64', 'arm64']);
      expect(await clientOf(world.registry, 'engine/multi').digest('master')).toBe(run.outputs.digest);
      const scans = (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l) as string[])
        .filter(a => a[0] === 'image' && !a.includes('--download-db-only'));
      expect(scans.map(a => a[a.indexOf('--platform') + 1]).sort()).toEqual(['linux/amd64', 'linux/arm64']);
      expect(run.summary).toContain('`linux/amd64`, `linux/arm64`');
      // The annotations output is what the pushed index and each image manifest carry.
      const wanted = { 'com.example.team': 'ships', 'org.opencontainers.image.version': 'master' };
      expect(index.annotations).toMatchObject(wanted);
      const image = index.manifests.find(m => m.platform.architecture === 'arm64');
      expect((await indexOf('engine/multi', image?.digest ?? '')).annotations).toMatchObject(wanted);
      expect(run.outputs.annotations.split('\n')).toEqual(
        expect.arrayContaining([
          'index:com.example.team=ships',
          'manifest:org.opencontainers.image.version=master'
        ])
      );
    });

    test.each([
      ['', 1],
      ['false', 0],
      ['mode=max', 1]
    ])('provenance "%s": %d attestation manifest(s) in the pushed index', async (provenance, count) => {
      const repo = `engine/prov-${provenance.replace(/\W/g, '') || 'default'}`;
      const run = await ship(await app(repo.split('/')[1]), `${world.registry.host}/${repo}`, {
        provenance,
        scan: 'false',
        'smoke-test': 'false'
      });
      if (run.exitCode) console.log(errors(run));
      expect(run.exitCode).toBe(0);
      expect(attestations(await indexOf(repo, 'master'))).toHaveLength(count);
      expect(run.summary).toContain(
        count
          ? `provenance (mode=${provenance === 'mode=max' ? 'max' : 'min'})`
          : 'no provenance: provenance is false'
      );
    });
  });
} else {
  describe('multi-platform and attestations on the classic image store', () => {
    test('two platforms fail before building, naming both ways out; nothing is written', async () => {
      const run = await ship(await twoPlatformApp(), `${world.registry.host}/engine/multi`, {
        platforms: 'linux/amd64,linux/arm64'
      });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(
        /input "platforms" \(linux\/amd64, linux\/arm64\) needs a builder that can hold a multi-platform image.*containerd-snapshotter.*docker\/setup-buildx-action/
      );
      expect(run.stdout).not.toContain('Build with');
      expect(world.registry.log()).not.toMatch(/\/v2\/engine\/multi\//);
    });

    test('no provenance by default, and the summary says why; mode=min is refused before building', async () => {
      const dir = await app('prov');
      const run = await ship(dir, `${world.registry.host}/engine/prov`, {
        scan: 'false',
        'smoke-test': 'false'
      });
      expect(run.exitCode).toBe(0);
      expect(await clientOf(world.registry, 'engine/prov').manifest('master')).toMatchObject({
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json'
      });
      expect(run.summary).toContain(
        'no provenance: the classic image store with the docker driver cannot hold attestations'
      );
      expect(run.stdout).toContain(
        'Annotations not on the image: the classic image store keeps no manifest annotations'
      );
      const refused = await ship(dir, `${world.registry.host}/engine/prov`, { provenance: 'mode=min' });
      expect(refused.exitCode).toBe(1);
      expect(errors(refused).join('\n')).toContain(
        'input "provenance" (mode=min) needs a builder that can attach attestations'
      );
    });
  });
}
