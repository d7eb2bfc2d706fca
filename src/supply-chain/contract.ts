/** supply chain: the SBOM documents and the signatures published beside the image. */
import type { SbomPackage } from '../scan/contract.js';

export type SbomFormat = 'cyclonedx' | 'spdx';

/** The SBOM documents written from the scan. */
export interface SbomResult {
  packages: SbomPackage[];
  counts: Record<string, number>;
  /** Path of each document written, by format. */
  files: Partial<Record<SbomFormat, string>>;
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
