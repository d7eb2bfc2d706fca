import { SEVERITIES, type Severity } from '../inputs.js';

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
}

export type Counts = Record<Severity, number>;

export interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
}

export interface ScanReport {
  findings: Finding[];
  counts: Counts;
  fixable: number;
  /** From the report's image metadata: used to map layers to Dockerfile lines. */
  diffIds: string[];
  history: HistoryEntry[];
  os: string;
  eosl: boolean;
}

interface TrivyVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  PkgPath?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Status?: string;
  Severity?: string;
  Title?: string;
  PrimaryURL?: string;
  Layer?: { DiffID?: string };
}

interface TrivyJson {
  SchemaVersion?: number;
  Metadata?: {
    OS?: { Family?: string; Name?: string; EOSL?: boolean };
    DiffIDs?: string[];
    ImageConfig?: { history?: HistoryEntry[]; rootfs?: { diff_ids?: string[] } };
  };
  Results?: { Target?: string; Vulnerabilities?: TrivyVulnerability[] | null }[] | null;
}

export const emptyCounts = (): Counts => ({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });
const RANK: Record<Severity, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

function severityOf(value: string | undefined): Severity {
  const upper = (value ?? '').toUpperCase();
  return SEVERITIES.find(s => s === upper) ?? 'UNKNOWN';
}

/**
 * Parses Trivy's JSON report (SchemaVersion 2) into findings, one per (vulnerability,
 * package, installed version, path), merging the targets that report the same one.
 */
export function parseTrivyReport(text: string): ScanReport {
  let json: TrivyJson;
  try {
    json = JSON.parse(text) as TrivyJson;
  } catch (error) {
    throw new Error(`Trivy wrote output that is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || json.SchemaVersion !== 2) {
    throw new Error(
      `Trivy report has SchemaVersion ${String(json?.SchemaVersion)}; Shipshape reads version 2`
    );
  }
  const byKey = new Map<string, Finding>();
  for (const result of json.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const key = [v.VulnerabilityID, v.PkgName, v.InstalledVersion, v.PkgPath ?? ''].join('\u0000');
      const existing = byKey.get(key);
      const target = result.Target ?? '';
      if (existing) {
        if (!existing.targets.includes(target)) existing.targets.push(target);
        continue;
      }
      byKey.set(key, {
        id: v.VulnerabilityID ?? '',
        pkg: v.PkgName ?? '',
        installed: v.InstalledVersion ?? '',
        fixed: v.FixedVersion ?? '',
        status: v.Status ?? (v.FixedVersion ? 'fixed' : 'affected'),
        severity: severityOf(v.Severity),
        title: v.Title ?? '',
        url: v.PrimaryURL ?? '',
        targets: [target],
        layer: v.Layer?.DiffID ?? ''
      });
    }
  }
  const findings = [...byKey.values()];
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  const meta = json.Metadata ?? {};
  return {
    findings,
    counts,
    fixable: findings.filter(f => f.fixed).length,
    diffIds: meta.DiffIDs ?? meta.ImageConfig?.rootfs?.diff_ids ?? [],
    history: meta.ImageConfig?.history ?? [],
    os: [meta.OS?.Family, meta.OS?.Name].filter(Boolean).join(' '),
    eosl: meta.OS?.EOSL === true
  };
}

export interface ScanFilter {
  severity: Severity[];
  ignoreUnfixed: boolean;
}

/** Keeps what the user asked to see (`severity`, `ignore-unfixed`), recounted. */
export function filterReport(report: ScanReport, filter: ScanFilter): ScanReport {
  const findings = report.findings.filter(
    f => filter.severity.includes(f.severity) && !(filter.ignoreUnfixed && !f.fixed)
  );
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  return { ...report, findings, counts, fixable: findings.filter(f => f.fixed).length };
}

/** Fails when any finding is at or above `fail-on`; `none` only reports. */
export function scanGate(report: ScanReport, failOn: Severity | 'none'): { failed: boolean; detail: string } {
  const total = report.findings.length;
  if (total === 0) return { failed: false, detail: 'no findings' };
  if (failOn === 'none') return { failed: false, detail: `${total} finding(s); fail-on: none` };
  const blocking = report.findings.filter(f => RANK[f.severity] >= RANK[failOn]).length;
  return blocking > 0
    ? { failed: true, detail: `${blocking} finding(s) at or above ${failOn}` }
    : { failed: false, detail: `${total} finding(s), none at or above ${failOn}` };
}

/** Most urgent first: severity, then fixable before unfixable, then id. */
export function rankFindings<T extends Finding>(findings: T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      RANK[b.severity] - RANK[a.severity] ||
      Number(Boolean(b.fixed)) - Number(Boolean(a.fixed)) ||
      a.id.localeCompare(b.id) ||
      a.pkg.localeCompare(b.pkg)
  );
}
