/** scan: the findings of every platform of the image, the packages they sit in, and the scan gate. */
import type { Counts, Severity } from '../common/severity.js';
import type { Verdict } from '../common/verdict.js';

/** The Dockerfile instruction whose layer brought a package in. */
export interface LayerSource {
  line: number;
  /** The instruction as written, e.g. `RUN pip install …`, or `FROM python:3.12` for base layers. */
  instruction: string;
  base: boolean;
}

/** One vulnerability in one package, as Shipshape reports and gates on it. */
export interface Finding {
  id: string;
  pkg: string;
  installed: string;
  fixed: string;
  status: string;
  severity: Severity;
  title: string;
  url: string;
  /** Every target (OS packages, a lock file, a jar) where Trivy saw this package. */
  targets: string[];
  /** The layer that added the package (diff ID), when Trivy knows it. */
  layer: string;
  /** The Dockerfile line of that layer, when it could be mapped. */
  source?: LayerSource;
  /** For a multi-platform image: the platforms whose image has it. */
  platforms?: string[];
  /** At or above `fail-on` (or new and at or above `fail-on-new`): this finding holds the image back. */
  blocking: boolean;
  /** Against the baseline image: brought in by this change, or there before it. */
  change?: 'new' | 'unchanged';
}

export interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
}

/** What the scanner read of the image itself: its layers (to map them to Dockerfile lines) and OS. */
export interface ImageFacts {
  diffIds: string[];
  history: HistoryEntry[];
  os: string;
  eosl: boolean;
  /** The image's uncompressed size and its layers', when the scanner reports them. */
  uncompressed?: number;
  layerSizes?: { diffId: string; size: number }[];
}

export interface ScanReport extends ImageFacts {
  findings: Finding[];
  counts: Counts;
  fixable: number;
  /** Each layer's Dockerfile line, by diff ID. */
  layerSources?: Record<string, LayerSource>;
}

/** The vulnerability DB a scan used: downloaded now, cached and current, or cached and older. */
export interface DbState {
  source: 'downloaded' | 'cache' | 'stale-cache';
  /** When the DB was built (its UpdatedAt). */
  updatedAt?: string;
  ageMs?: number;
}

/** The scanner that ran, where it came from, and what Shipshape verified of it. */
export interface ScannerInfo {
  /** Its name as SBOMs credit it (`trivy`), as people write it (`Trivy`), and who publishes it. */
  name: string;
  title: string;
  vendor?: string;
  path: string;
  version: string;
  origin: 'trivy-path' | 'tool-cache' | 'download';
  verified: string[];
}

/** One platform's image as the scan read it, layer by layer: uncompressed sizes, known before anything is pushed. */
export interface ScannedSize {
  platform: string;
  uncompressed: number;
  layers: { diffId: string; size: number }[];
}

/** One package the scan found in the image, as the SBOM lists it. */
export interface SbomPackage {
  name: string;
  version: string;
  /** The scanner's package type: `alpine`, `debian`, `jar`, `python-pkg`… */
  type: string;
  purl?: string;
  licenses: string[];
}

/** The baseline image, scanned by the same scanner with the same DB, for the insight stage to compare. */
export interface BaselineScan {
  reference: string;
  findings?: Omit<Finding, 'blocking'>[];
  size?: ScannedSize;
  /** Why it could not be scanned. */
  error?: string;
}

/** scan: what the user asked to see (`severity`, `ignore-unfixed`) and the scan gate's verdict. */
export interface ScanResult {
  report: ScanReport;
  verdict: Verdict;
  /** The scanner could not run: not "no findings". The verdict is an error unless `scan-error: warn`. */
  error?: string;
  /** Findings of the severities `severity` leaves out of view: not shown, still gated. */
  hidden?: Omit<Finding, 'blocking'>[];
  jsonPath: string;
  sarifPath: string;
  /** Every package of every platform, when the run writes an SBOM. */
  packages?: SbomPackage[];
  /** Each platform scanned, uncompressed. */
  sizes?: ScannedSize[];
  baseline?: BaselineScan;
  scanner?: ScannerInfo;
  db?: DbState;
  javaDb?: DbState;
  durationMs: number;
}
