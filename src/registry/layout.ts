import { blobPath, children, isIndex, readBlob, type Descriptor } from '../common/oci-layout.js';
import type { RegistryClient } from './client.js';

/**
 * Pushes the image an OCI layout holds, byte for byte: every blob the registry lacks, then the
 * manifests from the leaves up, then the top one under each tag. Returns the top digest.
 */
export async function pushLayout(
  client: RegistryClient,
  dir: string,
  top: Descriptor,
  tags: string[],
  mountFrom?: string
): Promise<string> {
  const put = async (descriptor: Descriptor): Promise<void> => {
    const parts = await children(dir, descriptor);
    for (const child of parts) {
      if (child.mediaType.includes('manifest') || isIndex(child)) await put(child);
      else if (!(await client.hasBlob(child.digest))) {
        await client.uploadBlob(child.digest, child.size, blobPath(dir, child.digest), mountFrom);
      }
    }
    if (descriptor !== top) {
      await client.putManifest(
        descriptor.digest,
        descriptor.mediaType,
        await readBlob(dir, descriptor.digest)
      );
    }
  };
  await put(top);
  const bytes = await readBlob(dir, top.digest);
  for (const tag of tags) {
    const digest = await client.putManifest(tag, top.mediaType, bytes);
    if (digest && digest !== top.digest) {
      throw new Error(`${client.ref.repository}:${tag} was stored as ${digest}, not ${top.digest}`);
    }
  }
  return top.digest;
}
