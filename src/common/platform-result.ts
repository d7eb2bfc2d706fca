/**
 * What a `mode: platform` job hands to the merge job, inside its JSON report (`platformResult`):
 * one platform, built, gated and pushed by digest with no tag. Its schema, which the merge job
 * reads it through, is platform-result-schema.ts (kept apart so a run that never merges never
 * loads the schema library).
 */

export const PLATFORM_RESULT_VERSION = 1;

/** An OCI descriptor of a manifest the job pushed by digest. */
export interface PushedDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface PlatformResult {
  version: typeof PLATFORM_RESULT_VERSION;
  /** `os/arch[/variant]`, as the job's `platforms` input named it. */
  platform: string;
  /** The GitHub repository and commit the job built. */
  repository: string;
  commit: string;
  /** Every gate passed and the manifest reached every image name. */
  passed: boolean;
  /** The image names the manifest was pushed to (by digest, no tag). */
  images: string[];
  manifest?: PushedDescriptor;
  /** Attestation manifests (provenance) describing it, pushed beside it by digest. */
  attestations: PushedDescriptor[];
  sizeBytes?: number;
  verdicts: { gate: string; status: 'passed' | 'failed' | 'skipped' | 'error'; detail: string }[];
  /** Findings by severity, and how many are new against the baseline. */
  findings: { counts: Record<string, number>; new?: number };
}
