import type { Finding, HistoryEntry, ScanReport } from '../results.js';
import { atOrAbove, countBySeverity, toSeverity, type Severity, type Threshold } from '../severity.js';

/** A finding as Trivy reported it, before it is located and judged. */
export type TrivyFinding = Omit<Finding, 'blocking' | 'source' | 'platforms'>;
export type ParsedReport = Omit<ScanReport, 'findings'> & { findings: TrivyFinding[] };

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
    Size?: number;
    Layers?: { Size?: number; DiffID?: string }[];
    DiffIDs?: string[];
    ImageConfig?: { history?: HistoryEntry[]; rootfs?: { diff_ids?: string[] } };
  };
  Results?: { Target?: string; Vulnerabilities?: TrivyVulnerability[] | null }[] | null;
}

/**
 * Parses Trivy's JSON report (SchemaVersion 2) into findings, one per (vulnerability,
 * package, installed version, path), merging the targets that report the same one.
 */
export function parseTrivyReport(text: string): ParsedReport {
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
  const byKey = new Map<string, TrivyFinding>();
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
        severity: toSeverity(v.Severity) ?? 'UNKNOWN',
        title: v.Title ?? '',
        url: v.PrimaryURL ?? '',
        targets: [target],
        layer: v.Layer?.DiffID ?? ''
      });
    }
  }
  const findings = [...byKey.values()];
  const meta = json.Metadata ?? {};
  return {
    findings,
    counts: countBySeverity(findings),
    fixable: findings.filter(f => f.fixed).length,
    diffIds: meta.DiffIDs ?? meta.ImageConfig?.rootfs?.diff_ids ?? [],
    history: meta.ImageConfig?.history ?? [],
    os: [meta.OS?.Family, meta.OS?.Name].filter(Boolean).join(' '),
    eosl: meta.OS?.EOSL === true,
    uncompressed: meta.Size,
    layerSizes: meta.Layers?.filter(l => l.DiffID && typeof l.Size === 'number').map(l => ({
      diffId: l.DiffID ?? '',
      size: l.Size ?? 0
    }))
  };
}

export interface ScanFilter {
  severity: Severity[];
  ignoreUnfixed: boolean;
}

/** Keeps what the user asked to see (`severity`, `ignore-unfixed`), recounted. */
export function filterReport<R extends ParsedReport>(report: R, filter: ScanFilter): R {
  const findings = report.findings.filter(
    f => filter.severity.includes(f.severity) && !(filter.ignoreUnfixed && !f.fixed)
  );
  return {
    ...report,
    findings,
    counts: countBySeverity(findings),
    fixable: findings.filter(f => f.fixed).length
  };
}

/** Fails when any finding is at or above `fail-on`; `none` only reports. */
export function scanGate(report: ParsedReport, failOn: Threshold): { failed: boolean; detail: string } {
  const total = report.findings.length;
  if (total === 0) return { failed: false, detail: 'no findings' };
  if (failOn === 'none') return { failed: false, detail: `${total} finding(s); fail-on: none` };
  const blocking = report.findings.filter(f => atOrAbove(f.severity, failOn)).length;
  return blocking > 0
    ? { failed: true, detail: `${blocking} finding(s) at or above ${failOn}` }
    : { failed: false, detail: `${total} finding(s), none at or above ${failOn}` };
}

/** One finding per vulnerability and package across platforms, each naming the platforms that have it. */
export function mergePlatforms<F extends TrivyFinding>(
  perPlatform: { platform: string; findings: F[] }[]
): (F & { platforms?: string[] })[] {
  if (perPlatform.length === 1) return perPlatform[0].findings;
  const byKey = new Map<string, F & { platforms: string[] }>();
  for (const { platform, findings } of perPlatform) {
    for (const f of findings) {
      const key = [f.id, f.pkg, f.installed, f.targets.join('\u0000')].join('\u0000');
      const seen = byKey.get(key);
      if (seen) seen.platforms.push(platform);
      else byKey.set(key, { ...f, platforms: [platform] });
    }
  }
  return [...byKey.values()];
}
