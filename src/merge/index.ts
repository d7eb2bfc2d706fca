import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { blobPath, digestOf, formatPlatform, samePlatform, type Descriptor } from '../common/oci-layout.js';
import { RegistryClient } from '../registry/client.js';
import { credentialsFromDockerConfig } from '../registry/credentials.js';
import { parseImageName } from '../registry/reference.js';
import type { MergeResult } from './contract.js';
import { checkResults, pushedResults, readResults, type Expected, type PassedResult } from './results.js';

/**
 * `mode: merge`: the platform jobs' results, read and checked (results.ts), then asked of every
 * registry: each manifest is there, hashes to its digest, and its config is of its platform.
 * The index is made only of what the registries answered, never of what a result file says.
 */

const INDEX = 'application/vnd.oci.image.index.v1+json';
const refusal = (why: string): Error => new Error(`merge refused, nothing tagged: ${why}`);

/** A manifest as the registry holds it, refused unless it hashes to its digest and has its size. */
async function fetchManifest(
  client: RegistryClient,
  image: string,
  wanted: Pick<Descriptor, 'digest' | 'size'>,
  what: string
) {
  const found = await client.manifest(wanted.digest);
  if (!found) throw refusal(`${image}@${wanted.digest} (${what}) is not in the registry`);
  if (digestOf(found.bytes) !== wanted.digest || found.bytes.length !== wanted.size)
    throw refusal(
      `${image}@${wanted.digest} (${what}): the registry's manifest is not the one the result names`
    );
  return found.bytes;
}

/** What one registry holds for one result: the manifests' bytes and the platform its config says. */
async function verifyIn(client: RegistryClient, image: string, result: PassedResult) {
  const manifest = result.manifest;
  const bytes = await fetchManifest(client, image, manifest, result.platform);
  const body = JSON.parse(bytes.toString()) as { mediaType?: string; config?: Descriptor };
  if (!body.config)
    throw refusal(`${image}@${manifest.digest} (${result.platform}) is not an image manifest`);
  const config = JSON.parse((await client.blob(body.config.digest)).toString()) as Parameters<
    typeof formatPlatform
  >[0];
  const platform = formatPlatform(config);
  if (!samePlatform(result.platform, platform) || !samePlatform(platform, result.platform))
    throw refusal(
      `${image}@${manifest.digest} is an image for ${platform || 'no platform'}, not ${result.platform}`
    );
  const attestations = await Promise.all(
    result.attestations.map(async a => {
      const kind = a.annotations?.['vnd.docker.reference.type'];
      if (
        kind !== 'attestation-manifest' ||
        a.annotations?.['vnd.docker.reference.digest'] !== manifest.digest
      )
        throw refusal(
          `the result for ${result.platform} lists an attestation that does not describe its image`
        );
      return {
        descriptor: a,
        bytes: await fetchManifest(client, image, a, `${result.platform} attestation`)
      };
    })
  );
  return {
    bytes,
    platform: {
      os: config.os ?? '',
      architecture: config.architecture ?? '',
      ...(config.variant ? { variant: config.variant } : {})
    },
    attestations
  };
}

/** Index-level annotations of the plan (`index:key=value`). */
const indexAnnotations = (annotations: string[]): Record<string, string> =>
  Object.fromEntries(
    annotations
      .filter(a => a.startsWith('index:'))
      .map(a => a.slice('index:'.length))
      .map(a => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])
  );

export interface MergeSettings {
  results: string;
  platforms: string[];
}

/**
 * The merge stage: the results checked; where the run tags (`pushes`), every manifest asked of
 * every registry and the index written as an OCI layout in `outputDir`.
 */
export async function mergeStage(
  settings: MergeSettings,
  plan: { images: string[]; annotations: string[] },
  source: { repository: string; commit: string; pushes: boolean },
  outputDir: string
): Promise<MergeResult> {
  const expected: Expected = { ...source, platforms: settings.platforms, images: plan.images };
  const checked = checkResults(await readResults(settings.results), expected);
  if (!source.pushes) return { platforms: checked };
  const results = pushedResults(checked);
  const answers = await Promise.all(
    plan.images.map(async image => {
      const ref = parseImageName(image);
      const client = new RegistryClient(ref, await credentialsFromDockerConfig(ref.registry));
      return Promise.all(results.map(r => verifyIn(client, image, r)));
    })
  );
  // Every registry answered alike (the digests are content hashes): the first one's bytes make the index.
  const first = answers[0];
  const manifests = results.flatMap((r, i) => [
    {
      mediaType: r.manifest.mediaType,
      digest: r.manifest.digest,
      size: r.manifest.size,
      platform: first[i].platform
    },
    ...first[i].attestations.map(a => ({
      ...a.descriptor,
      platform: { os: 'unknown', architecture: 'unknown' }
    }))
  ]);
  const annotations = indexAnnotations(plan.annotations);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: INDEX,
      manifests,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {})
    })
  );
  const layout = path.join(outputDir, 'merge');
  const blobs: [string, Buffer][] = [
    [digestOf(index), index],
    ...first
      .flatMap(a => [a.bytes, ...a.attestations.map(t => t.bytes)])
      .map((b): [string, Buffer] => [digestOf(b), b])
  ];
  await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, bytes] of blobs) await writeFile(blobPath(layout, digest), bytes);
  const top = { mediaType: INDEX, digest: digestOf(index), size: index.length };
  await writeFile(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [top] }));
  return { platforms: checked, index: { ...top, layout, manifests: results.map(r => r.manifest.digest) } };
}
