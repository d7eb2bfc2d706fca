import type { RootContent } from 'mdast';
import { formatBytes } from '../../common/bytes.js';
import type { BuildResult, Builder } from '../../builder/contract.js';
import type { LintResult } from '../../lint/contract.js';
import type { PushResult } from '../../push/contract.js';
import type { RunReport } from '../../results.js';
import type { SmokeResult } from '../../smoke/contract.js';
import { buildStepsSection } from './build-steps.js';
import { compareSection } from './compare.js';
import { platformSections } from './platforms.js';
import {
  bullets,
  code,
  codeBlock,
  details,
  emphasis,
  heading,
  joined,
  lineBreak,
  link,
  paragraph,
  serialize,
  strong,
  table,
  text,
  type Inline
} from './writer.js';
import { scanSection } from './vulnerabilities.js';

export interface RenderLimits {
  findings: number;
  lint: number;
  evidenceChars: number;
}

export const SUMMARY_LIMIT = 1024 * 1024 - 1024;
export const COMMENT_LIMIT = 65536 - 512;

const ICON = { passed: '✅', failed: '❌', skipped: '⏭️', error: '❌' } as const;

export type Outcome = 'pushed' | 'partial' | 'built' | 'failed' | 'planned';

export function outcomeOf(report: RunReport): Outcome {
  if (report.push?.failed.length) return report.push.pushed ? 'partial' : 'failed';
  if (report.error || report.gates?.passed === false) return 'failed';
  if (report.dryRun) return 'planned';
  return report.push?.pushed ? 'pushed' : 'built';
}

const HEADLINE: Record<Outcome, [string, string]> = {
  pushed: ['✅', 'shipped'],
  built: ['✅', 'built and checked, not pushed'],
  planned: ['📝', 'planned (dry run: nothing built or pushed)'],
  partial: ['❌', 'pushed part-way: see Tags'],
  failed: ['❌', 'failed, nothing pushed']
};

function headline(report: RunReport): RootContent {
  const outcome = outcomeOf(report);
  const [icon, said] =
    outcome === 'failed' && report.gates?.passed === false
      ? ['❌', 'failed a gate, nothing pushed']
      : HEADLINE[outcome];
  return heading(2, `${icon} Shipshape: `, ...joined(report.plan.images.map(code), ', '), ` ${said}`);
}

function overview(report: RunReport): RootContent {
  const rows: Inline[][][] = [];
  rows.push([['Version'], [report.plan.version ? code(report.plan.version) : emphasis(text('none'))]]);
  for (const [image, digest] of Object.entries(report.push?.digests ?? {}))
    rows.push([['Digest'], [code(image), lineBreak(), code(digest)]]);
  if (report.build) rows.push(...buildRows(report.build, report.push));
  const [first, ...rest] = rows;
  return table(
    first.map(cell => cell[0]),
    rest
  );
}

function builderName(builder: Builder): string {
  if (builder.kind === 'classic') return 'the classic builder';
  if (builder.kind === 'buildkit') return 'BuildKit built into the Docker CLI';
  return `buildx ${builder.buildx ?? ''}, ${builder.driver ?? 'docker'} driver, ${builder.store} image store`;
}

/** What was built, on what, and what the build cache and attestations did. */
function buildRows(build: BuildResult, push: PushResult | undefined): Inline[][][] {
  const rows: Inline[][][] = [[['Image ID'], [code(build.imageId)]]];
  if (build.sizeBytes !== undefined) rows.push([['Size'], [formatBytes(build.sizeBytes)]]);
  if (build.base) {
    const { reference, digest, pinned, line } = build.base;
    const resolved = digest && !pinned ? [lineBreak(), code(digest)] : [];
    rows.push([['Base image'], [code(reference), ...resolved, ` (line ${line})`]]);
  }
  rows.push([['Builder'], [`${builderName(build.builder)} (Docker ${build.builder.server})`]]);
  rows.push([['Platforms'], joined(build.platforms.map(code), ', ')]);
  const cache = build.cache;
  if (cache) {
    const from = cache.imported.length > 0 ? [' from ', ...joined(cache.imported.map(code), ', ')] : [];
    const saved = push?.cacheSaved?.length
      ? ['; saved to ', ...joined(push.cacheSaved.map(code), ', ')]
      : cache.uploads.length > 0
        ? ['; not saved: nothing was pushed']
        : cache.exports.includes('type=inline')
          ? ['; inline in the image']
          : [];
    rows.push([['Build cache'], [`${cache.cached} of ${cache.steps} steps cached`, ...from, ...saved]]);
  }
  const attestations = build.provenance
    ? `provenance (mode=${build.provenance})`
    : build.notes.join('; ') || 'none';
  rows.push([['Attestations'], [attestations]]);
  return rows;
}

function gatesSection(report: RunReport): RootContent[] {
  const gates = report.gates?.gates;
  const error = report.error ? [heading(3, 'Error'), codeBlock(report.error)] : [];
  if (!gates) return error;
  const rows = gates.map(g => [[g.gate], [`${ICON[g.status]} ${g.status}`], [g.detail]]);
  // An error after the gates (a push that failed) is shown beside them.
  return [heading(3, 'Gates'), table(['Gate', 'Result', 'Detail'], rows), ...error];
}

function tagsSection(report: RunReport): RootContent[] {
  const out: RootContent[] = [heading(3, 'Tags')];
  const { push, pushPolicy } = report;
  const tags = (list: string[]): Inline[] => joined(list.map(code), ' ');
  if (push?.byDigest) out.push(paragraph('Pushed by digest only (see Platform).'));
  else if (push?.pushed) out.push(paragraph('Pushed: ', ...tags(push.tags)));
  else if (pushPolicy && !pushPolicy.push) out.push(paragraph(`Not pushed: ${pushPolicy.reason}.`));
  else if (report.gates?.passed === false) out.push(paragraph('Not pushed: a gate failed.'));
  else if (outcomeOf(report) === 'failed')
    out.push(paragraph('Not pushed: the run stopped before the push (see Error).'));
  if (push?.failed.length)
    out.push(paragraph('Not pushed:'), bullets(push.failed.map(f => [code(f.tag), `: ${f.reason}`])));
  if (!push?.pushed)
    out.push(
      paragraph('Planned: ', ...(report.plan.tags.length ? tags(report.plan.tags) : [emphasis(text('none'))]))
    );
  if (push?.unchanged.length) out.push(paragraph('Already there (same image): ', ...tags(push.unchanged)));
  if (push?.withheld.length)
    out.push(paragraph('Withheld:'), bullets(push.withheld.map(w => [code(w.tag), `: ${w.reason}`])));
  if (pushPolicy?.push && pushPolicy.kinds) out.push(paragraph(emphasis(text(`${pushPolicy.reason}.`))));
  return out;
}

function smokeSection(smoke: SmokeResult, limits: RenderLimits): RootContent[] {
  const icon = ICON[smoke.verdict.status];
  const out: RootContent[] = [
    heading(3, 'Smoke test'),
    paragraph(`${icon} `, strong(text(smoke.health)), `: ${smoke.message}`)
  ];
  if (smoke.evidence) {
    const evidence =
      smoke.evidence.length > limits.evidenceChars
        ? `…${smoke.evidence.slice(-limits.evidenceChars)}`
        : smoke.evidence;
    out.push(...details('Evidence', [codeBlock(evidence)]));
  }
  return out;
}

function lintSection(lint: LintResult, dockerfile: string, limits: RenderLimits): RootContent[] {
  const out: RootContent[] = [heading(3, 'Dockerfile lint (', code(dockerfile), ')')];
  if (lint.buildkitChecks) out.push(paragraph(emphasis(text(lint.buildkitChecks))));
  if (lint.findings.length === 0) {
    out.push(paragraph('No findings: it follows the container best practices Shipshape checks.'));
    return out;
  }
  const shown = lint.findings.slice(0, limits.lint);
  const rows = shown.map(f => [
    [String(f.line)],
    [code(`${f.rule} ${f.name}`)],
    [f.severity],
    [f.message],
    [f.fix]
  ]);
  out.push(table(['Line', 'Rule', 'Severity', 'Finding', 'Fix'], rows));
  if (lint.findings.length > shown.length)
    out.push(paragraph(emphasis(text(`…and ${lint.findings.length - shown.length} more lint findings.`))));
  return out;
}

function pullSection(report: RunReport): RootContent[] {
  const digests = Object.entries(report.push?.digests ?? {});
  if (digests.length === 0) return [];
  const pulls = digests.map(([image, digest]) => `docker pull ${image}@${digest}`).join('\n');
  return [heading(3, 'Pull it'), codeBlock(pulls, 'sh')];
}

/** What the image holds (the SBOM, by package type) and how to check its signature. */
function supplyChainSection(report: RunReport): RootContent[] {
  const { sbom, sign } = report;
  if (!sbom && !sign) return [];
  const out: RootContent[] = [heading(3, 'SBOM and signature')];
  if (sbom) {
    const types = Object.entries(sbom.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const formats = Object.keys(sbom.files).map(code);
    const files = formats.length ? [' (SBOM: ', ...joined(formats, ', '), ')'] : [];
    out.push(paragraph(`${sbom.packages.length} packages from the scan`, ...files, '.'));
    if (types.length > 0)
      out.push(
        table(
          ['Package type', 'Packages'],
          types.map(([type, n]) => [[code(type)], [String(n)]])
        )
      );
  }
  if (sign?.note) out.push(paragraph(`${sign.note}.`));
  if (sign?.verify) {
    const how =
      sign.mode === 'key'
        ? ['with the key pair whose public half is ', code('cosign.pub')]
        : ['keyless, with this workflow’s identity'];
    out.push(paragraph('Signed ', ...how, ', by digest, in every registry it was pushed to. Check it:'));
    out.push(codeBlock([sign.verify.signature, sign.verify.attestation].filter(Boolean).join('\n'), 'sh'));
  }
  return out;
}

/** The whole report as markdown, at one level of detail. */
export function renderMarkdown(report: RunReport, limits: RenderLimits): string {
  return serialize([
    headline(report),
    overview(report),
    ...gatesSection(report),
    ...platformSections(report),
    ...compareSection(report),
    ...tagsSection(report),
    ...(report.scan
      ? scanSection(report.scan, report.insight, limits, report.runUrl, report.build?.base)
      : []),
    ...(report.smoke ? smokeSection(report.smoke, limits) : []),
    ...(report.lint ? lintSection(report.lint, report.dockerfile, limits) : []),
    ...pullSection(report),
    ...supplyChainSection(report),
    ...(report.plan.warnings.length > 0
      ? [heading(3, 'Warnings'), bullets(report.plan.warnings.map(w => [w]))]
      : []),
    ...timelineSection(report),
    ...buildStepsSection(report.build?.cache),
    ...details('OCI labels', [codeBlock(report.plan.labels.join('\n'))])
  ]);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** When each step started and ended, from the run's start: what ran beside the build and the smoke test. */
function timelineSection(report: RunReport): RootContent[] {
  const steps = [...(report.timeline ?? [])].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  if (steps.length === 0) return [];
  const rows = steps.map(s => [
    [s.step],
    [seconds(s.startMs)],
    [seconds(s.endMs)],
    [seconds(s.endMs - s.startMs)]
  ]);
  return details('Timeline', [table(['Step', 'Started', 'Ended', 'Took'], rows)]);
}

const LEVELS: RenderLimits[] = [
  { findings: 200, lint: 200, evidenceChars: 16000 },
  { findings: 50, lint: 50, evidenceChars: 8000 },
  { findings: 20, lint: 20, evidenceChars: 4000 },
  { findings: 5, lint: 10, evidenceChars: 2000 },
  { findings: 0, lint: 0, evidenceChars: 500 }
];

/** The most detailed rendering that fits `limit` characters, with a note when it was shortened. */
export function renderWithin(report: RunReport, limit: number, prefix = ''): string {
  for (const [i, limits] of LEVELS.entries()) {
    const note =
      i > 0
        ? `\n${serialize([paragraph(emphasis(text('This report was shortened to fit. '), link('The full report is in the workflow run', report.runUrl), text('.')))])}`
        : '';
    const body = `${prefix}${renderMarkdown(report, limits)}${note}`;
    if (body.length <= limit) return body;
  }
  const minimal = serialize([
    headline(report),
    ...gatesSection(report),
    paragraph(link('Full report in the workflow run', report.runUrl))
  ]);
  return `${prefix}${minimal}`.slice(0, limit);
}

export const renderSummary = (report: RunReport): string => renderWithin(report, SUMMARY_LIMIT);
