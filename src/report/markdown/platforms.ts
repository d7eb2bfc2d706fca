import type { RootContent } from 'mdast';
import { formatBytes } from '../../common/bytes.js';
import type { PlatformResult } from '../../common/platform-result.js';
import type { RunReport } from '../../results.js';
import { bullets, code, heading, paragraph, table, type Inline } from './writer.js';

/**
 * A multi-runner build: a platform job's push by digest (no tag until the merge), and the merge
 * job's row per platform: its gates, size and findings, as its job reported them.
 */

const findings = (p: PlatformResult): string => {
  const counts = Object.entries(p.findings.counts)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}`);
  const fresh = p.findings.new === undefined ? '' : `; ${p.findings.new} new`;
  return `${counts.join(', ') || 'none'}${fresh}`;
};

const gates = (p: PlatformResult): string =>
  p.verdicts.map(v => `${v.gate} ${v.status}`).join(', ') || 'none';

export function platformSections(report: RunReport): RootContent[] {
  const out: RootContent[] = [];
  const pushed = report.push?.byDigest;
  if (pushed) {
    out.push(
      heading(3, 'Platform ', code(pushed.platform)),
      paragraph('Pushed by digest, with no tag: the merge job tags the index once every platform passed.'),
      bullets(
        Object.entries(report.push?.digests ?? {}).map(([image, digest]): Inline[] => [
          code(`${image}@${digest}`)
        ])
      )
    );
  }
  if (report.platforms?.length) {
    const rows = report.platforms.map(p => [
      [code(p.platform)],
      [code(p.manifest?.digest ?? '')],
      [p.sizeBytes === undefined ? '' : formatBytes(p.sizeBytes)],
      [gates(p)],
      [findings(p)]
    ]);
    out.push(heading(3, 'Platforms'), table(['Platform', 'Manifest', 'Size', 'Gates', 'Findings'], rows));
  }
  return out;
}
