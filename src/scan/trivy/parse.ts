import { toSeverity } from '../../common/severity.js';
import type { HistoryEntry, SbomPackage } from '../contract.js';
import type { ImageFacts, ScanFinding } from '../port.js';

/** Trivy's JSON report (SchemaVersion 2), read into findings, packages and what it read of the image. */

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

interface TrivyPackage {
  Name?: string;
  Version?: string;
  Release?: string;
  Epoch?: number;
  Identifier?: { PURL?: string };
  Licenses?: string[];
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
  Results?:
    | {
        Target?: string;
        Class?: string;
        Type?: string;
        Vulnerabilities?: TrivyVulnerability[] | null;
        Packages?: TrivyPackage[] | null;
      }[]
    | null;
}

function readJson(text: string): TrivyJson {
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
  return json;
}

/** Findings, one per (vulnerability, package, installed version, path), the targets that report it merged. */
function findingsOf(json: TrivyJson): ScanFinding[] {
  const byKey = new Map<string, ScanFinding>();
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
  return [...byKey.values()];
}

function factsOf(json: TrivyJson): ImageFacts {
  const meta = json.Metadata ?? {};
  return {
    diffIds: meta.DiffIDs ?? meta.ImageConfig?.rootfs?.diff_ids ?? [],
    // Only what maps layers to lines: the rest of a history entry (dates, authors) is not carried.
    history: (meta.ImageConfig?.history ?? []).map(h => ({
      created_by: h.created_by,
      empty_layer: h.empty_layer
    })),
    os: [meta.OS?.Family, meta.OS?.Name].filter(Boolean).join(' '),
    eosl: meta.OS?.EOSL === true,
    uncompressed: meta.Size,
    layerSizes: meta.Layers?.filter(l => l.DiffID && typeof l.Size === 'number').map(l => ({
      diffId: l.DiffID ?? '',
      size: l.Size ?? 0
    }))
  };
}

/** The packages a report made with `--list-all-pkgs` lists: the scan that found the vulnerabilities is the SBOM's source. */
function packagesOf(json: TrivyJson): SbomPackage[] {
  return (json.Results ?? []).flatMap(result =>
    (result.Packages ?? [])
      .filter(p => p.Name)
      .map(p => ({
        name: p.Name ?? '',
        version: [p.Epoch ? `${p.Epoch}:` : '', p.Version ?? '', p.Release ? `-${p.Release}` : ''].join(''),
        type: result.Type ?? result.Class ?? 'unknown',
        purl: p.Identifier?.PURL,
        licenses: p.Licenses ?? []
      }))
  );
}

/** Everything Shipshape reads of one Trivy report; unreadable output is an error, never "no findings". */
export function parseTrivyReport(text: string): {
  findings: ScanFinding[];
  packages: SbomPackage[];
  facts: ImageFacts;
} {
  const json = readJson(text);
  return { findings: findingsOf(json), packages: packagesOf(json), facts: factsOf(json) };
}
