import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { dockerOk } from '../common/docker.js';
import { runProcess } from '../common/process.js';
import {
  blobPath,
  children,
  digestOf,
  isAttestation,
  isIndex,
  readBlob,
  topDescriptor,
  type Descriptor
} from '../common/oci-layout.js';
import type { BuiltImage } from './index.js';

/**
 * `mode: platform`: the gated image of one platform as an OCI layout, and the manifests in it
 * that go out by digest: the platform's image manifest and the attestations that describe it.
 */

/**
 * A layout holding the gated image: the build's own, or the daemon's copy saved (blobs as
 * stored). The image is one platform; saved whole, so the containerd store's copy keeps its
 * attestation manifests (`docker save --platform` leaves them out).
 */
export async function layoutOf(build: BuiltImage): Promise<string> {
  if (build.layout) return build.layout;
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'shipshape-platform-'));
  const archive = path.join(dir, 'image.tar');
  await dockerOk(['save', '--output', archive, build.imageId]);
  const unpacked = await runProcess('tar', ['-xf', archive, '-C', dir, '--exclude', 'repositories']);
  if (unpacked.exitCode !== 0) throw new Error(`cannot unpack the saved image: ${unpacked.stderr.trim()}`);
  return dir;
}

const LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';

/** Gzips one uncompressed layer blob into the layout; its descriptor as a registry would store it. */
async function gzipLayer(dir: string, layer: Descriptor): Promise<Descriptor> {
  const staging = path.join(dir, `gzip-${layer.digest.slice(7, 19)}`);
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    }
  });
  await pipeline(
    createReadStream(blobPath(dir, layer.digest)),
    createGzip(),
    count,
    createWriteStream(staging)
  );
  const digest = `sha256:${hash.digest('hex')}`;
  await rename(staging, blobPath(dir, digest));
  return { mediaType: `${LAYER_TAR}+gzip`, digest, size };
}

/**
 * The classic store saves layers uncompressed: they are gzipped as \`docker push\` would, and the
 * manifest rewritten around them. The config, and so the image (its id, its layers' diff IDs),
 * is the gated one, byte for byte.
 */
async function compressed(dir: string, image: Descriptor): Promise<Descriptor> {
  const manifest = JSON.parse((await readBlob(dir, image.digest)).toString()) as { layers: Descriptor[] };
  if (!manifest.layers.some(l => l.mediaType === LAYER_TAR)) return image;
  const layers: Descriptor[] = [];
  for (const layer of manifest.layers)
    layers.push(layer.mediaType === LAYER_TAR ? await gzipLayer(dir, layer) : layer);
  const bytes = Buffer.from(JSON.stringify({ ...manifest, layers }));
  const digest = digestOf(bytes);
  await writeFile(blobPath(dir, digest), bytes);
  return { mediaType: image.mediaType, digest, size: bytes.length };
}

export interface PlatformManifests {
  image: Descriptor;
  attestations: Descriptor[];
}

/**
 * The platform's image manifest in the layout, checked to be the gated one (a manifest the
 * build named, or one whose config is the gated image's), and its attestation manifests.
 */
export async function gatedManifests(dir: string, build: BuiltImage): Promise<PlatformManifests> {
  const top = await topDescriptor(dir);
  const entries = isIndex(top) ? await children(dir, top) : [top];
  const image = entries.find(
    d => !isAttestation(d) && (!build.manifests || build.manifests.includes(d.digest))
  );
  if (!image) throw new Error('the saved image holds no manifest of the gated image');
  if (!build.manifests) {
    const manifest = JSON.parse((await readBlob(dir, image.digest)).toString()) as { config?: Descriptor };
    if (manifest.config?.digest !== build.imageId)
      throw new Error(
        `the saved image's config is ${manifest.config?.digest}, not the gated ${build.imageId}`
      );
  }
  // Each attestation as the merge's index lists it: what it is and which image it describes.
  const attestations = entries
    .filter(d => isAttestation(d) && d.annotations?.[REFERENCE_DIGEST] === image.digest)
    .map(d => ({
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      annotations: { [REFERENCE_TYPE]: 'attestation-manifest', [REFERENCE_DIGEST]: image.digest }
    }));
  const pushed = build.manifests ? image : await compressed(dir, image);
  return { image: { mediaType: pushed.mediaType, digest: pushed.digest, size: pushed.size }, attestations };
}
