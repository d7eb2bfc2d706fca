import { atOrAbove, type Threshold } from '../common/severity.js';
import { verdict, type Verdict } from '../common/verdict.js';
import type { Finding, SbomPackage } from './contract.js';
import type { ScanFinding } from './port.js';

/** What every scanner's findings go through: filters, merging across platforms, the scan gate. */

/** Without `ignore-unfixed`'s findings: those with no fixed version. */
export const withoutUnfixed = <F extends Pick<Finding, 'fixed'>>(
  findings: F[],
  ignoreUnfixed: boolean
): F[] => (ignoreUnfixed ? findings.filter(f => f.fixed) : findings);

/** The scan gate (pure): fails when any finding is at or above `fail-on`; `none` only reports. */
export function scanVerdict(findings: Pick<Finding, 'severity'>[], failOn: Threshold): Verdict {
  const total = findings.length;
  if (total === 0) return verdict('scan', 'passed', 'no findings');
  if (failOn === 'none') return verdict('scan', 'passed', `${total} finding(s); fail-on: none`);
  const blocking = findings.filter(f => atOrAbove(f.severity, failOn)).length;
  return blocking > 0
    ? verdict('scan', 'failed', `${blocking} finding(s) at or above ${failOn}`)
    : verdict('scan', 'passed', `${total} finding(s), none at or above ${failOn}`);
}

/** One finding per vulnerability and package across platforms, each naming the platforms that have it. */
export function mergePlatforms<F extends ScanFinding>(
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

/** Every package of every platform and target, once, in a stable order. */
export function mergePackages(lists: SbomPackage[][]): SbomPackage[] {
  const byKey = new Map<string, SbomPackage>();
  for (const p of lists.flat()) {
    const key = [p.type, p.name, p.version, p.purl ?? ''].join('\u0000');
    if (!byKey.has(key)) byKey.set(key, p);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version)
  );
}
