/**
 * What is published about the image beyond its tags (the SBOM, signatures) and its sizes in a
 * registry. Self-contained; re-exported by results.ts.
 */

/** One package the scan found in the image, as the SBOM lists it. */
export interface SbomPackage {
  name: string;
  version: string;
  /** Trivy's package type: `alpine`, `debian`, `jar`, `python-pkg`… */
  type: string;
  purl?: string;
  licenses: string[];
}

/** The SBOM documents written from the scan. */
export interface SbomResult {
  packages: SbomPackage[];
  counts: Record<string, number>;
  /** Path of each document written, by format. */
  files: Partial<Record<SbomFormat, string>>;
}

export type SbomFormat = 'cyclonedx' | 'spdx';

/** One platform's image in a registry, as its manifest and config tell (sizes are compressed). */
export interface ImageSizes {
  platform: string;
  digest: string;
  /** Config and layers, as the manifest lists them. */
  compressed: number;
  layers: { diffId?: string; size: number }[];
}

/**
 * One platform's image as the scan read it, layer by layer: uncompressed sizes (Trivy's
 * image metadata), known before anything is pushed.
 */
export interface ScannedSize {
  platform: string;
  uncompressed: number;
  layers: { diffId: string; size: number }[];
}

/** `max-size-increase`: the image's growth against the baseline, judged. */
export interface SizeGate {
  limit: string;
  /** No baseline size to compare with: the gate was not applied. */
  skipped: boolean;
  failed: boolean;
  detail: string;
}

/** sign: what was signed and attested, in which registries, and how to check it. */
export interface SignResult {
  mode?: 'keyless' | 'key';
  /** Why nothing was signed (sign: false, no OIDC permission and no key). */
  note?: string;
  cosignVersion?: string;
  /** One per image name pushed: the digest reference and what cosign stored beside it. */
  signed: { reference: string; signature: string; attestation?: string }[];
  /** For the first image: the commands a user runs to check it. */
  verify?: { signature: string; attestation?: string };
}
