import { atOrAbove, type Threshold } from '../common/severity.js';
import type { SizeLimit } from '../common/size-limit.js';
import { verdict, type Verdict } from '../common/verdict.js';
import type { Finding, ScanResult } from '../scan/contract.js';
import { baseChanged, diffFindings, findBaseline, sizeVerdict } from './baseline.js';
import type { BaseFacts, BaselineLookup, BaselineResult, InsightResult } from './contract.js';

/** The inputs the insight stage reads (named as in Inputs). */
export interface InsightSettings {
  failOnNew: Threshold;
  maxSizeIncrease?: SizeLimit;
}

/** Finds the baseline in its registry (manifests only): what the scan stage scans beside the image. */
export const lookUpBaseline = (reference: string, platform: string): Promise<BaselineLookup> =>
  findBaseline(reference, platform);

/** What the base image means for the shown findings (pure). */
function baseFacts(scan: ScanResult): BaseFacts {
  const inherited = scan.report.findings.filter(f => f.source?.base);
  return {
    os: scan.report.os,
    eosl: scan.report.eosl,
    inherited: inherited.length,
    fixable: inherited.filter(f => f.fixed).length
  };
}

/** The comparison as found and scanned: why there is none, or what the baseline holds. */
function compared(lookup: BaselineLookup, scan: ScanResult): BaselineResult {
  const { result } = lookup;
  const scanned = scan.baseline;
  if (!lookup.scan || !scanned) return result;
  if (scanned.error)
    return {
      ...result,
      unavailable: `the baseline ${result.reference} could not be scanned: ${scanned.error}`
    };
  return {
    ...result,
    ...(scanned.size && { scanned: scanned.size }),
    ...(lookup.image && { baseChanged: baseChanged(scan.report.layerSources ?? {}, lookup.image) })
  };
}

/**
 * What this change does (pure): each shown finding new or unchanged against the baseline's
 * (the hidden severities counted too, as the gate sees them), what it fixed, the size gate and
 * the fail-on-new gate. Without a baseline the gates are skipped and say why.
 */
export function insightStage(
  settings: InsightSettings,
  scan: ScanResult,
  lookup: BaselineLookup | undefined
): InsightResult {
  const shown = scan.report.findings;
  const base = baseFacts(scan);
  const verdicts: Verdict[] = [];
  const gateNew = settings.failOnNew !== 'none';
  if (scan.error) {
    if (settings.maxSizeIncrease) verdicts.push(verdict('size', 'skipped', 'no sizes: the scan did not run'));
    return { findings: shown, verdicts, base };
  }
  const baseline = lookup && compared(lookup, scan);
  if (settings.maxSizeIncrease)
    verdicts.push(sizeVerdict(settings.maxSizeIncrease, scan.sizes ?? [], baseline));
  const before = !baseline?.unavailable ? scan.baseline?.findings : undefined;
  if (!baseline || !before) {
    const why = baseline?.unavailable ?? 'no baseline to compare with on this run';
    if (gateNew) verdicts.push(verdict('new findings', 'skipped', `no baseline to compare with: ${why}`));
    return { baseline, findings: shown, verdicts, base };
  }
  const { marked, fixed } = diffFindings([...shown, ...(scan.hidden ?? [])], before);
  const fresh = marked.filter(f => f.change === 'new');
  const blocksAsNew = (f: Pick<Finding, 'severity'> & { change?: string }): boolean =>
    f.change === 'new' && atOrAbove(f.severity, settings.failOnNew);
  const newBlocking = fresh.filter(blocksAsNew).length;
  if (gateNew) {
    verdicts.push(
      verdict(
        'new findings',
        newBlocking > 0 ? 'failed' : 'passed',
        newBlocking > 0
          ? `${newBlocking} new finding(s) at or above ${settings.failOnNew} (fail-on-new)`
          : `${fresh.length} new finding(s), none at or above ${settings.failOnNew} (fail-on-new)`
      )
    );
  }
  // The shown findings come first in what was diffed: each keeps its place.
  const findings = shown.map((f, i) => {
    const change = marked[i].change;
    return { ...f, change, blocking: f.blocking || blocksAsNew({ ...f, change }) };
  });
  return {
    baseline: { ...baseline, fixed, newCount: fresh.length, unchanged: marked.length - fresh.length },
    findings,
    verdicts,
    base
  };
}
