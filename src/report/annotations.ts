import type { RunReport } from '../results.js';
import { MOST_SEVERE_FIRST } from '../common/severity.js';
import type { Annotation } from './github/check.js';
import { rankFindings } from './markdown/vulnerabilities.js';
import type { LintSeverity } from '../lint/contract.js';
import type { Finding } from '../scan/contract.js';

const LINT_LEVEL: Record<LintSeverity, Annotation['annotation_level']> = {
  error: 'failure',
  warning: 'warning',
  info: 'notice'
};
/**
 * Annotations on Dockerfile lines (pure): every lint finding, and one per line that brought in
 * vulnerabilities (its layer), a failure when any of them blocks the scan gate.
 */
export function dockerfileAnnotations(report: RunReport): Annotation[] {
  const out: Annotation[] = [];
  for (const f of report.lint?.findings ?? []) {
    out.push({
      path: report.dockerfile,
      start_line: f.line,
      end_line: f.line,
      annotation_level: LINT_LEVEL[f.severity],
      title: `${f.rule} ${f.name}`,
      message: `${f.message}\nFix: ${f.fix}`
    });
  }
  const byLine = new Map<number, { base: boolean; findings: Finding[] }>();
  for (const f of report.scan?.report.findings ?? []) {
    if (!f.source) continue;
    const entry = byLine.get(f.source.line) ?? { base: f.source.base, findings: [] };
    entry.findings.push(f);
    byLine.set(f.source.line, entry);
  }
  for (const [line, { base, findings }] of [...byLine.entries()].sort((a, b) => a[0] - b[0])) {
    const counts = MOST_SEVERE_FIRST.map(s => [s, findings.filter(f => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const blocking = findings.some(f => f.blocking);
    const top = rankFindings(findings).slice(0, 10);
    out.push({
      path: report.dockerfile,
      start_line: line,
      end_line: line,
      annotation_level: blocking ? 'failure' : 'warning',
      title: `${findings.length} vulnerabilit${findings.length === 1 ? 'y' : 'ies'} (${counts}) ${base ? 'from the base image' : 'from this layer'}`,
      message: top
        .map(f => `${f.severity} ${f.id} in ${f.pkg}${f.fixed ? ` (fixed in ${f.fixed})` : ' (no fix yet)'}`)
        .join('\n')
        .concat(findings.length > top.length ? `\n…and ${findings.length - top.length} more` : '')
    });
  }
  return out;
}

/** GitHub shows at most this many annotations of one level per step. */
export const STEP_ANNOTATION_LIMIT = 10;

/**
 * At most `perLevel` annotations of each level: the first ones as they are, the rest of that
 * level folded into one last annotation that lists them (the step's limits, a check run's one request).
 */
export function foldAnnotations(annotations: Annotation[], perLevel: number): Annotation[] {
  const out: Annotation[] = [];
  for (const level of ['failure', 'warning', 'notice'] as const) {
    const all = annotations.filter(a => a.annotation_level === level);
    if (all.length <= perLevel) {
      out.push(...all);
      continue;
    }
    const kept = all.slice(0, perLevel - 1);
    const rest = all.slice(perLevel - 1);
    out.push(...kept, {
      path: rest[0].path,
      start_line: rest[0].start_line,
      end_line: rest[0].end_line,
      annotation_level: level,
      title: `${rest.length} more`,
      message: rest.map(a => `line ${a.start_line}: ${a.title}`).join('\n')
    });
  }
  return out;
}
