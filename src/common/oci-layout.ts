import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from './lazy-crypto.js';

/** Reading an OCI image layout on disk (image-spec image-layout.md). */

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

interface Index {
  manifests: Descriptor[];
}
interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

export const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
];
export const isIndex = (d: Descriptor): boolean => INDEX_TYPES.includes(d.mediaType);

/** The OCI digest (`sha256:…`) of a blob's bytes. */
export const digestOf = (bytes: Buffer): string => `sha256:${sha256Hex(bytes)}`;

export const blobPath = (dir: string, digest: string): string =>
  path.join(dir, 'blobs', ...digest.split(':'));

export async function readBlob(dir: string, digest: string): Promise<Buffer> {
  return readFile(blobPath(dir, digest));
}

/** The image the layout holds: the first entry of its index.json. */
export async function topDescriptor(dir: string): Promise<Descriptor> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as Index;
  const top = index.manifests[0];
  if (!top) throw new Error(`the OCI layout ${dir} holds no image`);
  return top;
}

/** What a manifest or index points at: an index's manifests, a manifest's config and layers. */
export async function children(dir: string, descriptor: Descriptor): Promise<Descriptor[]> {
  const body = JSON.parse((await readBlob(dir, descriptor.digest)).toString()) as Partial<
    Index & ImageManifest
  >;
  if (isIndex(descriptor)) return body.manifests ?? [];
  return [...(body.config ? [body.config] : []), ...(body.layers ?? [])];
}

/** `os/architecture[/variant]`, from a descriptor's platform or an image config. */
export const formatPlatform = (p: { os?: string; architecture?: string; variant?: string }): string =>
  [p.os, p.architecture, p.variant].filter(Boolean).join('/');

const OCI_ARCH: Record<string, string> = { x64: 'amd64', x86_64: 'amd64', aarch64: 'arm64', i686: '386' };
/** A CPU as OCI and Go name it, from Node's name (`process.arch`) or the kernel's (`uname -m`). */
export const ociArch = (arch: string): string => OCI_ARCH[arch] ?? (/^armv\d/.test(arch) ? 'arm' : arch);

export const platformOf = (d: Descriptor): string => (d.platform ? formatPlatform(d.platform) : '');

/** BuildKit's attestation manifests sit in an index beside the images: they are not images. */
export const isAttestation = (d: Pick<Descriptor, 'annotations'>): boolean =>
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';

/** The per-platform image manifests of an index (attestation manifests left out). */
export async function platformManifests(dir: string, top: Descriptor): Promise<Descriptor[]> {
  if (!isIndex(top)) return [top];
  return (await children(dir, top)).filter(d => !isAttestation(d) && d.platform?.os !== 'unknown');
}

/** Whether `platform` (os/arch[/variant]) is served by a manifest of `candidate`'s platform. */
export function samePlatform(platform: string, candidate: string): boolean {
  const [os, arch, variant] = platform.split('/');
  const [cOs, cArch, cVariant] = candidate.split('/');
  return os === cOs && arch === cArch && (!variant || !cVariant || variant === cVariant);
}
