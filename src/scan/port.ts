import type { Severity, Threshold } from '../common/severity.js';
import type { DbState, Finding, ImageFacts, SbomPackage, ScannerInfo } from './contract.js';
import type { ScanTarget } from './targets.js';

export type { ImageFacts } from './contract.js';

/**
 * What a scanner is to Shipshape: prepared once (installed, its DB brought up to date), then
 * asked to scan targets (each platform of the built image, the baseline in its registry). An
 * adapter is a folder beside this file (`trivy/`) and one line in scanners.ts.
 */

/** The inputs the scan reads (named as in Inputs): every scanner's, then each adapter's own. */
export interface ScanSettings {
  /** Which scanner: a key of SCANNERS. */
  scanner: string;
  file: string;
  target: string;
  severity: Severity[];
  failOn: Threshold;
  ignoreUnfixed: boolean;
  trivyignore: string;
  scanTimeoutMs: number;
  scanError: 'fail' | 'warn';
  // Trivy's (scan/trivy/).
  trivyVersion: string;
  trivyPath: string;
  trivyDbRepositories: string[];
  trivyJavaDbRepositories: string[];
  maxDbAgeMs: number;
}

/** A finding as the scanner reported it, before it is located, merged across platforms and judged. */
export type ScanFinding = Omit<Finding, 'blocking' | 'source' | 'platforms' | 'change'>;

/** One target scanned: every finding, every package (when listed), the image's facts, the files written. */
export interface ScannedImage {
  findings: ScanFinding[];
  packages: SbomPackage[];
  facts: ImageFacts;
  /** The scanner's own report, and the SARIF made from it when the scanner writes one. */
  reportPath: string;
  sarifPath?: string;
  /** Writes the SARIF at `sarifPath` from the report: no verdict needs it, so the run may wait. */
  writeSarif?: () => Promise<void>;
  /** The Java DB the scan used, when it needed one. */
  javaDb?: DbState;
}

export interface ScanRequest {
  target: ScanTarget;
  /** List every package, not only vulnerable ones (an SBOM is written from them). */
  listPackages: boolean;
  /** Where this target's report and SARIF go. */
  reportPath: string;
  sarifPath: string;
  /** Stops the scan's process (the baseline's, when the build it runs beside fails). */
  signal?: AbortSignal;
}

export interface PreparedScanner {
  info: ScannerInfo;
  db?: DbState;
  scan(request: ScanRequest): Promise<ScannedImage>;
  /** After the last scan, whatever it failed or found (e.g. the DB cache is saved). */
  finish(): Promise<void>;
}

export interface ScannerAdapter {
  prepare(settings: ScanSettings, workDir: string): Promise<PreparedScanner>;
}
