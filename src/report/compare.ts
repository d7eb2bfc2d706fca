import type { BaselineResult, ImageSizes, LayerSource, RunReport } from '../results.js';
import { findingsTable } from './findings-table.js';
import { code, details, formatBytes, table, text } from './markdown.js';

const signed = (bytes: number): string => `${bytes >= 0 ? '+' : '−'}${formatBytes(Math.abs(bytes))}`;

/** The layers this image has and the baseline had not, largest first, with their Dockerfile lines. */
function grown(current: ImageSizes, before: ImageSizes, sources: Record<string, LayerSource>): string[][] {
  const held = new Set(before.layers.map(l => l.diffId));
  return current.layers
    .filter(l => !l.diffId || !held.has(l.diffId))
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map(l => {
      const source = l.diffId ? sources[l.diffId] : undefined;
      return [formatBytes(l.size), source ? text(`line ${source.line}: ${source.instruction}`) : '_unknown_'];
    });
}

/** Compressed size per platform against the baseline, as both images' manifests give them. */
function sizeRows(
  baseline: BaselineResult,
  current: ImageSizes[] | undefined,
  sources: Record<string, LayerSource>
) {
  if (!current) return ['Size: compared once the image is pushed (the sizes are the registry’s manifests).'];
  const out: string[] = [];
  const rows = current.map(image => {
    const before = baseline.sizes?.find(b => b.platform === image.platform);
    if (!before) return [code(image.platform), formatBytes(image.compressed), '_not in the baseline_', ''];
    const delta = image.compressed - before.compressed;
    const grew = grown(image, before, sources);
    if (grew.length > 0 && delta > 0) {
      out.push(
        `Largest layers new since the baseline (${code(image.platform)}):\n\n${table(['Size', 'Dockerfile'], grew)}`
      );
    }
    const percent = before.compressed > 0 ? ` (${((delta / before.compressed) * 100).toFixed(1)}%)` : '';
    return [
      code(image.platform),
      formatBytes(image.compressed),
      formatBytes(before.compressed),
      `${signed(delta)}${percent}`
    ];
  });
  return [table(['Platform', 'Compressed', 'Baseline', 'Change'], rows), ...out];
}

/**
 * What this change did against the baseline: new and fixed vulnerabilities first, the
 * unchanged ones folded, then size and base image. Empty when there is no baseline to look for.
 */
export function compareSection(report: RunReport): string {
  const baseline = report.scan?.baseline;
  if (!baseline || !report.scan) return '';
  const out = [`### What this change does (against ${code(baseline.reference)})`];
  if (baseline.unavailable) {
    out.push(`No comparison: ${text(baseline.unavailable)}. The findings below are all the image's own.`);
    return out.join('\n\n');
  }
  const findings = report.scan.report.findings;
  const added = findings.filter(f => f.change === 'new');
  const kept = findings.filter(f => f.change === 'unchanged');
  const fixed = baseline.fixed ?? [];
  out.push(
    `**${baseline.newCount ?? added.length} new** and **${fixed.length} fixed** vulnerabilities; ${baseline.unchanged ?? kept.length} unchanged.`
  );
  if (added.length > 0) out.push(`New in this image:\n\n${findingsTable(added, false)}`);
  if (fixed.length > 0) out.push(`Fixed by this change:\n\n${findingsTable(fixed, false)}`);
  if (kept.length > 0) out.push(details(`Unchanged (${kept.length})`, findingsTable(kept, false)));
  out.push(...sizeRows(baseline, report.push?.sizes, report.scan.report.layerSources ?? {}));
  if (baseline.baseChanged !== undefined) {
    out.push(
      baseline.baseChanged
        ? 'Base image: changed since the baseline (its layers are not in the baseline image).'
        : 'Base image: the same layers as the baseline.'
    );
  }
  return out.join('\n\n');
}
