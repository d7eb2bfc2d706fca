import { copyFile, link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerOk } from '../common/docker.js';
import { blobPath, children, platformOf, type Descriptor } from '../common/oci-layout.js';
import { runProcess } from '../common/process.js';

type StoredImage = { imageId: string; sizeBytes: number };
/** The local id and size of an image, in one docker call. */
export async function inspectImage(...args: string[]): Promise<StoredImage> {
  const out = await dockerOk(['image', 'inspect', '--format', '{{.Id}} {{.Size}}', ...args]);
  const [imageId, size] = out.trim().split(' ');
  return { imageId, sizeBytes: Number(size) };
}

/**
 * Loads one platform of an OCI layout into the daemon, under `name`: a tar holding that
 * manifest in OCI form (the containerd store reads index.json) and in docker-archive form
 * (the classic store reads manifest.json), sharing the same blobs. Returns the loaded image.
 */
export async function loadPlatform(dir: string, manifest: Descriptor, name: string): Promise<StoredImage> {
  const stage = await mkdtemp(path.join(path.dirname(dir), 'load-'));
  try {
    const [config, ...layers] = await children(dir, manifest);
    for (const blob of [manifest, config, ...layers]) {
      const target = blobPath(stage, blob.digest);
      await mkdir(path.dirname(target), { recursive: true });
      await link(blobPath(dir, blob.digest), target).catch(() =>
        copyFile(blobPath(dir, blob.digest), target)
      );
    }
    const ref = (digest: string): string => `blobs/${digest.replace(':', '/')}`;
    await writeFile(path.join(stage, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    const annotations = {
      'io.containerd.image.name': name,
      'org.opencontainers.image.ref.name': name.split(':').pop() ?? ''
    };
    await writeFile(
      path.join(stage, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ ...manifest, annotations }] })
    );
    await writeFile(
      path.join(stage, 'manifest.json'),
      JSON.stringify([
        { Config: ref(config.digest), RepoTags: [name], Layers: layers.map(l => ref(l.digest)) }
      ])
    );
    const archive = `${stage}.tar`;
    const tar = await runProcess('tar', ['-C', stage, '-cf', archive, '.']);
    if (tar.exitCode !== 0)
      throw new Error(`cannot pack the ${platformOf(manifest)} image: ${tar.stderr.trim()}`);
    try {
      await dockerOk(['load', '-i', archive]);
    } finally {
      await rm(archive, { force: true });
    }
    return await inspectImage(name);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
