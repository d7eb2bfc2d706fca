import { formatAge } from '../../common/age.js';
import { MOST_SEVERE_FIRST, rank } from '../../common/severity.js';
import type { BaseImage } from '../../builder/contract.js';
import type { BaseFacts, InsightResult } from '../../insight/contract.js';
import type { Finding, ScanResult, ScannerInfo } from '../../scan/contract.js';
import { findingsTable } from './findings-table.js';
import type { RootContent } from 'mdast';
import * as md from './writer.js';
import type { Inline } from './writer.js';
import type { RenderLimits } from './render.js';

/** The vulnerabilities section: which scanner and DB, the counts, what the base image means, the findings. */

/** Most urgent first: severity, then fixable before unfixable, then id. */
export function rankFindings<T extends Pick<Finding, 'severity' | 'fixed' | 'id' | 'pkg'>>(
  findings: T[]
): T[] {
  return [...findings].sort(
    (a, b) =>
      rank(b.severity) - rank(a.severity) ||
      Number(Boolean(b.fixed)) - Number(Boolean(a.fixed)) ||
      a.id.localeCompare(b.id) ||
      a.pkg.localeCompare(b.pkg)
  );
}

const ORIGIN: Record<ScannerInfo['origin'], Inline[]> = {
  'trivy-path': ['given by ', md.code('trivy-path'), ', not verified by Shipshape'],
  'tool-cache': ['from the tool cache'],
  download: ['downloaded']
};

/** Which scanner ran and with which DB: what a reader needs to trust the numbers. */
function provenance(scan: ScanResult): Inline[] {
  const lines: Inline[][] = [];
  if (scan.scanner) {
    const { title, version, path, origin, verified } = scan.scanner;
    const checks = verified.length > 0 ? `: ${verified.join('; ')}` : '';
    lines.push([`${title} `, md.code(version), ' at ', md.code(path), ', ', ...ORIGIN[origin], `${checks}.`]);
  }
  for (const [name, db] of [
    ['vulnerability DB', scan.db],
    ['Java DB', scan.javaDb]
  ] as const) {
    if (!db?.updatedAt) continue;
    const age = db.ageMs === undefined ? '' : `, ${formatAge(db.ageMs)} old`;
    const stale = db.source === 'stale-cache' ? ' ⚠️ cached: the download failed' : '';
    lines.push([`${name} built ${db.updatedAt}${age}${stale}.`]);
  }
  return lines.flatMap((line, i) => (i ? [md.lineBreak(), ...line] : line));
}

/**
 * What the base image means for the findings: an end-of-life OS gets no more fixes; findings in
 * its layers with a fixed version released come with a newer build of the base (or a new pin).
 */
function baseAdvice(facts: BaseFacts | undefined, base: BaseImage | undefined): Inline[] | undefined {
  const name = base ? md.code(base.reference) : 'the base image';
  if (facts?.eosl)
    return [
      `⚠️ The base OS (${facts.os}) is end-of-life: it gets no more security fixes. Move `,
      name,
      ' to a supported release.'
    ];
  if (!facts?.fixable) return undefined;
  const how = base?.pinned
    ? 'the Dockerfile pins it by digest, so they arrive only with a new pin'
    : 'they arrive when the base is rebuilt on them: rebuild on its current build, or move to a newer tag';
  return [
    `ℹ️ ${facts.fixable} of the ${facts.inherited} findings from `,
    name,
    ` have a fixed version released; ${how}.`
  ];
}

export function scanSection(
  scan: ScanResult,
  insight: InsightResult | undefined,
  limits: RenderLimits,
  runUrl: string,
  base?: BaseImage
): RootContent[] {
  const { counts } = scan.report;
  const title = scan.scanner?.title ?? 'Trivy';
  const version = scan.scanner ? `${title} ${scan.scanner.version}` : title;
  const out: RootContent[] = [
    md.heading(3, `Vulnerabilities (${version}${scan.report.os ? `, ${scan.report.os}` : ''})`)
  ];
  if (scan.error) {
    out.push(
      md.paragraph(`⚠️ ${scan.verdict.detail}`),
      ...md.details(`What ${title} said`, [md.codeBlock(scan.error)])
    );
    return out;
  }
  const origin = provenance(scan);
  if (origin.length > 0) out.push(md.paragraph(...origin));
  out.push(md.table([...MOST_SEVERE_FIRST], [MOST_SEVERE_FIRST.map(s => [String(counts[s])])]));
  const advice = baseAdvice(insight?.base, base);
  if (advice) out.push(md.paragraph(...advice));
  const ranked = rankFindings(scan.report.findings);
  const shown = ranked.slice(0, limits.findings);
  if (shown.length > 0) {
    const list = findingsTable(shown, true);
    // Against a baseline the new and fixed ones lead (above): the full list is folded.
    out.push(
      ...(insight?.baseline?.newCount !== undefined
        ? md.details(`All findings (${ranked.length})`, [list])
        : [list])
    );
  }
  if (ranked.length > shown.length) {
    const more = `…and ${ranked.length - shown.length} more; the full list is in the SARIF file and the run report of the `;
    out.push(md.paragraph(md.emphasis(md.text(more), md.link('workflow run', runUrl), md.text('.'))));
  }
  return out;
}
