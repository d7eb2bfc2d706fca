/** push: what went to the registries, what was held back, and why. */
import type { ImageSizes } from '../registry/sizes.js';

export interface WithheldTag {
  tag: string;
  reason: string;
}

/** push: what went to the registries. */
export interface PushResult {
  pushed: boolean;
  /** One manifest digest per image name. */
  digests: Record<string, string>;
  /** Full references pushed. */
  tags: string[];
  unchanged: string[];
  withheld: WithheldTag[];
  /** Tags that did not go out, and why: a push that failed part-way says exactly what did. */
  failed: WithheldTag[];
  /** Registry caches saved for the next run. */
  cacheSaved?: string[];
  /** What the first image name now holds, per platform, as its manifests say. */
  sizes?: ImageSizes[];
  /** `mode: platform`: the manifests pushed by digest, with no tag, for the merge job. */
  byDigest?: { platform: string; manifest: PushedManifest; attestations: PushedManifest[] };
  durationMs: number;
}

export interface PushedManifest {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
