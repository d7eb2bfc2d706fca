/** merge: the platform jobs' results, each checked against every registry, and the index made of them. */
import type { PlatformResult } from '../common/platform-result.js';

export type { PlatformResult };

export interface MergeResult {
  /** One per expected platform, in the order `platforms` names them. */
  platforms: PlatformResult[];
  /** The index made of them, when the run tags (its push policy pushes). */
  index?: {
    /** An OCI layout holding the index and the manifests it references (their blobs stay in the registries). */
    layout: string;
    mediaType: string;
    digest: string;
    size: number;
    /** The platforms' image manifests, as the index lists them. */
    manifests: string[];
  };
}
