/** insight: what this change does against the baseline image, and what the base image means for the findings. */
import type { Verdict } from '../common/verdict.js';
import type { ImageSizes } from '../registry/sizes.js';
import type { Finding, ScannedSize } from '../scan/contract.js';

/** What the image is compared with: the last one pushed for the base branch, or the tag being moved. */
export interface BaselineResult {
  reference: string;
  /** Why there is no comparison (none pushed yet, unreadable, another platform, not scannable). */
  unavailable?: string;
  digest?: string;
  /** Compressed, per platform, from the registry's manifests. */
  sizes?: ImageSizes[];
  /** The platform scanned, uncompressed, as the scan read it. */
  scanned?: ScannedSize;
  /** Findings of the baseline this image no longer has. */
  fixed?: Omit<Finding, 'blocking'>[];
  newCount?: number;
  unchanged?: number;
  /** The baseline's image does not hold this image's base layers: the base image changed. */
  baseChanged?: boolean;
}

/** The baseline as found in its registry, before any scan: what to scan, and its platform's image. */
export interface BaselineLookup {
  result: BaselineResult;
  /** `image@digest` of the platform to scan. */
  scan?: string;
  image?: ImageSizes;
}

/** What the base image means for the findings: end of life, and fixes that arrive with a newer base. */
export interface BaseFacts {
  os: string;
  eosl: boolean;
  /** Findings in the base image's layers, and how many of those have a fixed version released. */
  inherited: number;
  fixable: number;
}

/** insight: the comparison, the shown findings marked new or unchanged, and its gates (size, new findings). */
export interface InsightResult {
  baseline?: BaselineResult;
  findings: Finding[];
  verdicts: Verdict[];
  base: BaseFacts;
}
