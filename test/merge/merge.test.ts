import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Static } from '@sinclair/typebox';
import { PLATFORM_RESULT_VERSION, type PlatformResult } from '../../src/common/platform-result.js';
import type { PlatformResult as PlatformResultSchema } from '../../src/common/platform-result-schema.js';
import { blobPath } from '../../src/common/oci-layout.js';
import { mergeStage } from '../../src/merge/index.js';
import { checkResults, readResult, readResults, type Expected } from '../../src/merge/results.js';
import { RegistryClient } from '../../src/registry/client.js';
import { startRegistry, type Registry } from '../helpers/docker.js';

const REPOSITORY = 'acme/app';
const COMMIT = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let registry: Registry;
let work: string;
let image: string;
beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-merge-'));
  image = `${registry.host}/merge/app`;
});
afterAll(async () => {
  await registry.stop();
  await rm(work, { recursive: true, force: true });
});

const client = () => new RegistryClient({ registry: registry.host, repository: 'merge/app' }, undefined);

/** Uploads one blob from bytes; returns its descriptor. */
async function blob(bytes: Buffer, mediaType: string) {
  const file = path.join(work, `blob-${sha256(bytes).slice(7, 19)}`);
  await writeFile(file, bytes);
  await client().uploadBlob(sha256(bytes), bytes.length, file);
  return { mediaType, digest: sha256(bytes), size: bytes.length };
}

/** An image of `platform` (its config says so) pushed by digest, no tag; `extra` makes it unique. */
async function pushImage(platform: string, extra = '') {
  const [os_, architecture, variant] = platform.split('/');
  const config = await blob(
    Buffer.from(
      JSON.stringify({
        os: os_,
        architecture,
        ...(variant ? { variant } : {}),
        rootfs: { type: 'layers', diff_ids: [] },
        extra
      })
    ),
    'application/vnd.oci.image.config.v1+json'
  );
  const layer = await blob(
    Buffer.from(`layer ${platform} ${extra}`),
    'application/vnd.oci.image.layer.v1.tar'
  );
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config, layers: [layer] })
  );
  await client().putManifest(sha256(bytes), MANIFEST, bytes);
  return { mediaType: MANIFEST, digest: sha256(bytes), size: bytes.length };
}

const resultFor = async (
  platform: string,
  overrides: Partial<PlatformResult> = {}
): Promise<PlatformResult> => ({
  version: PLATFORM_RESULT_VERSION,
  platform,
  repository: REPOSITORY,
  commit: COMMIT,
  passed: true,
  images: [image],
  manifest: await pushImage(platform),
  attestations: [],
  sizeBytes: 1000,
  verdicts: [{ gate: 'scan', status: 'passed', detail: '0 findings' }],
  findings: { counts: { CRITICAL: 0, HIGH: 1 }, new: 0 },
  ...overrides
});

/** Writes results as the platform jobs' reports into a directory of their own; returns its glob. */
async function downloaded(results: unknown[]): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'results-'));
  for (const [i, r] of results.entries())
    await writeFile(
      path.join(dir, `report-${i}.json`),
      JSON.stringify({ outcome: 'pushed', platformResult: r })
    );
  return `${dir}/*.json`;
}

const merge = async (
  results: unknown[],
  platforms = ['linux/amd64', 'linux/arm64'],
  annotations: string[] = []
) =>
  mergeStage(
    { results: await downloaded(results), platforms },
    { images: [image], annotations },
    { repository: REPOSITORY, commit: COMMIT, pushes: true },
    await mkdtemp(path.join(work, 'out-'))
  );

describe('the merge stage against a real registry', () => {
  test("two platforms' results: the index lists each manifest with the platform its config names, and the index annotations", async () => {
    const amd = await resultFor('linux/amd64');
    const arm = await resultFor('linux/arm64/v8');
    const merged = await merge(
      [arm, amd],
      ['linux/amd64', 'linux/arm64/v8'],
      ['index:org.opencontainers.image.version=1.2.3', 'manifest:org.opencontainers.image.title=app']
    );
    const made = merged.index!;
    const index = JSON.parse((await readFile(blobPath(made.layout, made.digest))).toString()) as {
      manifests: { digest: string; platform: unknown }[];
      annotations: Record<string, string>;
    };
    expect(index.manifests).toEqual([
      { ...amd.manifest, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm.manifest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
    ]);
    expect(index.annotations).toEqual({ 'org.opencontainers.image.version': '1.2.3' });
    expect(made.manifests).toEqual([amd.manifest!.digest, arm.manifest!.digest]);
    expect(merged.platforms.map(p => p.platform)).toEqual(['linux/amd64', 'linux/arm64/v8']);
    // The layout holds the manifests the index references, byte for byte as the registry has them.
    const stored = await client().manifest(amd.manifest!.digest);
    expect(await readFile(blobPath(made.layout, amd.manifest!.digest))).toEqual(stored!.bytes);
  });

  test('a result naming a digest the registry does not hold is refused', async () => {
    const amd = await resultFor('linux/amd64');
    const forged = { ...amd.manifest!, digest: `sha256:${'0'.repeat(64)}` };
    await expect(merge([{ ...amd, manifest: forged }, await resultFor('linux/arm64')])).rejects.toThrow(
      /^merge refused, nothing tagged: .*merge\/app@sha256:0{64} \(linux\/amd64\) is not in the registry$/
    );
  });

  test("a result whose manifest is another platform's image is refused, naming both", async () => {
    const amd = await resultFor('linux/amd64');
    const arm = await resultFor('linux/arm64');
    await expect(merge([amd, { ...arm, manifest: amd.manifest }])).rejects.toThrow(
      /is an image for linux\/amd64, not linux\/arm64$/
    );
  });

  test('a result whose size disagrees with the registry is refused', async () => {
    const amd = await resultFor('linux/amd64');
    await expect(
      merge([
        { ...amd, manifest: { ...amd.manifest!, size: amd.manifest!.size + 1 } },
        await resultFor('linux/arm64')
      ])
    ).rejects.toThrow(/the registry's manifest is not the one the result names/);
  });

  test('an attestation that does not describe its image is refused', async () => {
    const amd = await resultFor('linux/amd64');
    const other = await pushImage('linux/amd64', 'attestation');
    const attestation = {
      ...other,
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': other.digest
      }
    };
    await expect(
      merge([{ ...amd, attestations: [attestation] }, await resultFor('linux/arm64')])
    ).rejects.toThrow(/lists an attestation that does not describe its image/);
  });
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('reading and checking the results', () => {
  test('the schema the merge reads through and the interface the platform job writes describe one document', () => {
    // A compile-time check: this line does not type-check when they drift apart.
    const same: Same<Static<typeof PlatformResultSchema>, PlatformResult> = true;
    expect(same).toBe(true);
  });

  const expected: Expected = {
    repository: REPOSITORY,
    commit: COMMIT,
    platforms: ['linux/amd64', 'linux/arm64'],
    images: ['ghcr.io/acme/app'],
    pushes: true
  };
  const result = (platform: string, overrides: Partial<PlatformResult> = {}): PlatformResult => ({
    version: 1,
    platform,
    repository: REPOSITORY,
    commit: COMMIT,
    passed: true,
    images: ['ghcr.io/acme/app'],
    manifest: { mediaType: MANIFEST, digest: `sha256:${'a'.repeat(64)}`, size: 400 },
    attestations: [],
    verdicts: [],
    findings: { counts: {} },
    ...overrides
  });

  test.each<[string, PlatformResult[], RegExp]>([
    ['a missing platform', [result('linux/amd64')], /no result for linux\/arm64: its job did not finish/],
    [
      'a platform twice',
      [result('linux/amd64'), result('linux/arm64'), result('linux/arm64')],
      /2 results for linux\/arm64/
    ],
    [
      'a platform not expected',
      [result('linux/amd64'), result('linux/arm64'), result('linux/s390x')],
      /a result for linux\/s390x, which "platforms" does not list/
    ],
    [
      'another repository',
      [result('linux/amd64', { repository: 'evil/app' }), result('linux/arm64')],
      /built from evil\/app@6113728f27ae, not acme\/app@6113728f27ae/
    ],
    [
      'another commit',
      [result('linux/amd64'), result('linux/arm64', { commit: 'f'.repeat(40) })],
      /built from acme\/app@ffffffffffff/
    ],
    [
      'a platform that failed a gate',
      [
        result('linux/amd64'),
        result('linux/arm64', {
          passed: false,
          manifest: undefined,
          verdicts: [
            { gate: 'scan', status: 'failed', detail: '1 CRITICAL' },
            { gate: 'smoke test', status: 'skipped', detail: 'no emulator' }
          ]
        })
      ],
      /linux\/arm64 did not pass \(scan failed\)$/
    ],
    [
      'a platform that passed but pushed nothing, where the merge tags',
      [result('linux/amd64'), result('linux/arm64', { manifest: undefined, images: [] })],
      /linux\/arm64 passed but its job pushed nothing to tag/
    ],
    [
      'a result pushed to other image names',
      [result('linux/amd64', { images: ['ghcr.io/evil/app'] }), result('linux/arm64')],
      /was pushed to ghcr.io\/evil\/app, not to ghcr.io\/acme\/app/
    ]
  ])('refused: %s', (_what, results, message) => {
    expect(() => checkResults(results, expected)).toThrow(message);
  });

  test("where the merge does not tag (a fork's pull request), passed jobs that pushed nothing are enough", () => {
    const unpushed = (platform: string) => result(platform, { manifest: undefined, images: [] });
    const checked = checkResults([unpushed('linux/arm64'), unpushed('linux/amd64')], {
      ...expected,
      pushes: false
    });
    expect(checked.map(r => r.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(() =>
      checkResults([unpushed('linux/amd64'), result('linux/arm64', { passed: false })], {
        ...expected,
        pushes: false
      })
    ).toThrow(/linux\/arm64 did not pass/);
  });

  test('every platform once, passed: in the order "platforms" names them', () => {
    const [arm, amd] = [result('linux/arm64'), result('linux/amd64')];
    expect(checkResults([arm, amd], expected).map(r => r.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('a file that does not fit the schema is refused with where, never what it holds', async () => {
    const [file] = [path.join(work, 'bad.json')];
    await writeFile(
      file,
      JSON.stringify({ platformResult: { ...result('linux/amd64'), passed: 'yes <script>' } })
    );
    const error = await readResult(file).then(
      () => undefined,
      (e: Error) => e.message
    );
    expect(error).toMatch(
      /^merge refused, nothing tagged: bad\.json is not a platform result: \/platformResult\/passed: /
    );
    expect(error).not.toContain('script');
  });

  test('a digest that is not a sha256 digest, a link, and no match at all are refused', async () => {
    const file = path.join(work, 'digest.json');
    const bad = result('linux/amd64', {
      manifest: { mediaType: MANIFEST, digest: 'sha256:../../x', size: 1 }
    });
    await writeFile(file, JSON.stringify({ platformResult: bad }));
    await expect(readResult(file)).rejects.toThrow(/\/platformResult\/manifest\/digest/);
    const link = path.join(work, 'link.json');
    await symlink(file, link);
    await expect(readResult(link)).rejects.toThrow(/link\.json is a symbolic link: not followed/);
    await expect(readResults(`${work}/nothing-here/*.json`)).rejects.toThrow(/no file matches results/);
  });
});
