import { formatPlatform, isAttestation, type Descriptor } from '../common/oci-layout.js';
import type { RegistryClient } from './client.js';

/** One platform's image in a registry, as its manifest and config tell (sizes are compressed). */
export interface ImageSizes {
  platform: string;
  digest: string;
  /** Config and layers, as the manifest lists them. */
  compressed: number;
  layers: { diffId?: string; size: number }[];
}

interface ManifestJson {
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}
interface ConfigJson {
  os?: string;
  architecture?: string;
  variant?: string;
  rootfs?: { diff_ids?: string[] };
}

/** One image manifest's sizes, with each layer's diff ID from its config. */
async function imageOf(client: RegistryClient, digest: string, manifest: ManifestJson): Promise<ImageSizes> {
  const config = manifest.config
    ? (JSON.parse((await client.blob(manifest.config.digest)).toString('utf8')) as ConfigJson)
    : {};
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers = (manifest.layers ?? []).map((l, i) => ({ diffId: diffIds[i], size: l.size }));
  return {
    platform: formatPlatform(config),
    digest,
    compressed: (manifest.config?.size ?? 0) + layers.reduce((sum, l) => sum + l.size, 0),
    layers
  };
}

/**
 * What a reference holds in the registry, per platform, read from manifests and configs only
 * (no layer is pulled); undefined when the reference does not exist. Attestation manifests of
 * an index are not images and are left out.
 */
export async function imageSizes(
  client: RegistryClient,
  reference: string
): Promise<{ digest: string; images: ImageSizes[] } | undefined> {
  const top = await client.manifest(reference);
  if (!top) return undefined;
  const json = JSON.parse(top.bytes.toString('utf8')) as ManifestJson;
  if (!json.manifests) return { digest: top.digest, images: [await imageOf(client, top.digest, json)] };
  const images: ImageSizes[] = [];
  for (const entry of json.manifests) {
    if (isAttestation(entry)) continue;
    const child = await client.manifest(entry.digest);
    if (child)
      images.push(
        await imageOf(client, entry.digest, JSON.parse(child.bytes.toString('utf8')) as ManifestJson)
      );
  }
  return { digest: top.digest, images };
}
