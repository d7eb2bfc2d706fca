import { samePlatform } from '../../common/oci-layout.js';
import type { RunReport } from '../../results.js';
import { findingsTable } from './findings-table.js';
import { formatBytes, formatSizeChange } from '../../common/bytes.js';
import type { RootContent } from 'mdast';
import { code, details, emphasis, heading, paragraph, strong, table, text, type Inline } from './writer.js';
import type { BaselineResult } from '../../insight/contract.js';
import type { ImageSizes } from '../../registry/sizes.js';
import type { LayerSource, ScanResult } from '../../scan/contract.js';

type Layer = { diffId?: string; size: number };

/** The layers this image has and the baseline had not, largest first, with their Dockerfile lines. */
function grown(current: Layer[], before: Layer[], sources: Record<string, LayerSource>): Inline[][][] {
  const held = new Set(before.map(l => l.diffId));
  return current
    .filter(l => !l.diffId || !held.has(l.diffId))
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map(l => {
      const source = l.diffId ? sources[l.diffId] : undefined;
      return [
        [formatBytes(l.size)],
        [source ? `line ${source.line}: ${source.instruction}` : emphasis(text('unknown'))]
      ];
    });
}

/** Three cells: this image's size, the baseline's, and the change; dashes for what is not known. */
function sizeCells(after: number | undefined, before: number | undefined): Inline[][] {
  if (after === undefined) return [['—'], [before === undefined ? '—' : formatBytes(before)], []];
  if (before === undefined) return [[formatBytes(after)], [emphasis(text('not in the baseline'))], []];
  return [[formatBytes(after)], [formatBytes(before)], [formatSizeChange(before, after)]];
}

/**
 * Size per platform against the baseline: uncompressed as both scans read the images (known
 * before the push, and what max-size-increase judges), compressed as the registry's manifests
 * give them once pushed. Then the layers that grew most, with their Dockerfile lines.
 */
function sizeRows(
  scan: ScanResult,
  baseline: BaselineResult,
  pushed: ImageSizes[] | undefined
): RootContent[] {
  const sources = scan.report.layerSources ?? {};
  const platforms = [
    ...new Set([...(scan.sizes ?? []).map(s => s.platform), ...(pushed ?? []).map(p => p.platform)])
  ];
  if (platforms.length === 0) return [];
  const before = baseline.scanned;
  const out: RootContent[] = [];
  const rows = platforms.map(platform => {
    const scanned = scan.sizes?.find(s => s.platform === platform);
    const was = before && samePlatform(platform, before.platform) ? before : undefined;
    const image = pushed?.find(p => p.platform === platform);
    const wasImage = baseline.sizes?.find(b => b.platform === platform);
    const grew =
      scanned && was
        ? grown(scanned.layers, was.layers, sources)
        : image && wasImage
          ? grown(image.layers, wasImage.layers, sources)
          : [];
    const growth = scanned && was ? scanned.uncompressed - was.uncompressed : 0;
    if (grew.length > 0 && growth >= 0) {
      out.push(paragraph('Largest layers new since the baseline (', code(platform), '):'));
      out.push(table(['Size', 'Dockerfile'], grew));
    }
    return [
      [code(platform)],
      ...sizeCells(scanned?.uncompressed, was?.uncompressed),
      ...sizeCells(image?.compressed, wasImage?.compressed)
    ];
  });
  const header = ['Platform', 'Uncompressed', 'Baseline', 'Change', 'Compressed', 'Baseline', 'Change'];
  const notes = pushed
    ? []
    : [
        paragraph(
          emphasis(text('Compressed sizes are the registry’s manifests: known once the image is pushed.'))
        )
      ];
  return [table(header, rows), ...notes, ...out];
}

/**
 * What this change did against the baseline: new and fixed vulnerabilities first, the
 * unchanged ones folded, then size and base image. Empty when there is no baseline to look for.
 */
export function compareSection(report: RunReport): RootContent[] {
  const baseline = report.insight?.baseline;
  if (!baseline || !report.scan) return [];
  const out: RootContent[] = [heading(3, 'What this change does (against ', code(baseline.reference), ')')];
  if (baseline.unavailable) {
    out.push(
      paragraph(`No comparison: ${baseline.unavailable}. The findings below are all the image's own.`)
    );
    return out;
  }
  const findings = report.scan.report.findings;
  const added = findings.filter(f => f.change === 'new');
  const kept = findings.filter(f => f.change === 'unchanged');
  const fixed = baseline.fixed ?? [];
  out.push(
    paragraph(
      strong(text(`${baseline.newCount ?? added.length} new`)),
      ' and ',
      strong(text(`${fixed.length} fixed`)),
      ` vulnerabilities; ${baseline.unchanged ?? kept.length} unchanged.`
    )
  );
  if (added.length > 0) out.push(paragraph('New in this image:'), findingsTable(added, false));
  if (fixed.length > 0) out.push(paragraph('Fixed by this change:'), findingsTable(fixed, false));
  if (kept.length > 0) out.push(...details(`Unchanged (${kept.length})`, [findingsTable(kept, false)]));
  out.push(...sizeRows(report.scan, baseline, report.push?.sizes));
  if (baseline.baseChanged !== undefined) {
    out.push(
      paragraph(
        baseline.baseChanged
          ? 'Base image: changed since the baseline (its layers are not in the baseline image).'
          : 'Base image: the same layers as the baseline.'
      )
    );
  }
  return out;
}
