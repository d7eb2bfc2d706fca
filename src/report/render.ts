import { formatBytes } from '../common/bytes.js';
import type { BuildResult, Builder } from '../builder/contract.js';
import type { LintResult } from '../lint/contract.js';
import type { PushResult } from '../push/contract.js';
import type { RunReport } from '../results.js';
import type { SmokeResult } from '../smoke/contract.js';
import { compareSection } from './compare.js';
import { code, codeBlock, details, link, table, text } from './markdown.js';
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

function headline(report: RunReport): string {
  const image = report.plan.images.map(i => code(i)).join(', ');
  switch (outcomeOf(report)) {
    case 'pushed':
      return `## ✅ Shipshape: ${image} shipped`;
    case 'built':
      return `## ✅ Shipshape: ${image} built and checked, not pushed`;
    case 'planned':
      return `## 📝 Shipshape: ${image} planned (dry run: nothing built or pushed)`;
    case 'partial':
      return `## ❌ Shipshape: ${image} pushed part-way: see Tags`;
    case 'failed':
      return report.gates?.passed === false
        ? `## ❌ Shipshape: ${image} failed a gate, nothing pushed`
        : `## ❌ Shipshape: ${image} failed, nothing pushed`;
  }
}

function overview(report: RunReport): string {
  const rows: string[][] = [];
  rows.push(['Version', report.plan.version ? code(report.plan.version) : '_none_']);
  const digests = Object.entries(report.push?.digests ?? {});
  for (const [image, digest] of digests) rows.push(['Digest', `${code(image)}<br>${code(digest)}`]);
  if (report.build) rows.push(...buildRows(report.build, report.push));
  const [first, ...rest] = rows;
  return table(first, rest);
}

function builderName(builder: Builder): string {
  if (builder.kind === 'classic') return 'the classic builder';
  if (builder.kind === 'buildkit') return 'BuildKit built into the Docker CLI';
  return `buildx ${builder.buildx ?? ''}, ${builder.driver ?? 'docker'} driver, ${builder.store} image store`;
}

/** What was built, on what, and what the build cache and attestations did. */
function buildRows(build: BuildResult, push: PushResult | undefined): string[][] {
  const rows = [['Image ID', code(build.imageId)]];
  if (build.sizeBytes !== undefined) rows.push(['Size', formatBytes(build.sizeBytes)]);
  if (build.base) {
    const { reference, digest, pinned, line } = build.base;
    const resolved = digest && !pinned ? `<br>${code(digest)}` : '';
    rows.push(['Base image', `${code(reference)}${resolved} (line ${line})`]);
  }
  rows.push(['Builder', text(`${builderName(build.builder)} (Docker ${build.builder.server})`)]);
  rows.push(['Platforms', build.platforms.map(code).join(', ')]);
  const cache = build.cache;
  if (cache) {
    const from = cache.imported.length > 0 ? ` from ${cache.imported.map(code).join(', ')}` : '';
    const saved = push?.cacheSaved?.length
      ? `; saved to ${push.cacheSaved.map(code).join(', ')}`
      : cache.uploads.length > 0
        ? '; not saved: nothing was pushed'
        : cache.exports.includes('type=inline')
          ? '; inline in the image'
          : '';
    rows.push(['Build cache', `${cache.cached} of ${cache.steps} steps cached${from}${saved}`]);
  }
  rows.push([
    'Attestations',
    build.provenance ? `provenance (mode=${build.provenance})` : text(build.notes.join('; ') || 'none')
  ]);
  return rows;
}

function gatesSection(report: RunReport): string {
  const gates = report.gates?.gates;
  const error = report.error ? `### Error\n\n${codeBlock(report.error)}` : '';
  if (!gates) return error;
  const gateTable = table(
    ['Gate', 'Result', 'Detail'],
    gates.map(g => [text(g.gate), `${ICON[g.status]} ${g.status}`, text(g.detail)])
  );
  // An error after the gates (a push that failed) is shown beside them.
  return ['### Gates', gateTable, error].filter(Boolean).join('\n\n');
}

function tagsSection(report: RunReport): string {
  const out = ['### Tags'];
  if (report.push?.pushed) out.push(`Pushed: ${report.push.tags.map(code).join(' ')}`);
  else if (report.pushPolicy && !report.pushPolicy.push)
    out.push(`Not pushed: ${text(report.pushPolicy.reason)}.`);
  else if (report.gates?.passed === false) out.push('Not pushed: a gate failed.');
  else if (outcomeOf(report) === 'failed')
    out.push('Not pushed: the run stopped before the push (see Error).');
  if (report.push?.failed.length) {
    out.push('Not pushed:\n' + report.push.failed.map(f => `- ${code(f.tag)}: ${text(f.reason)}`).join('\n'));
  }
  if (!report.push?.pushed) out.push(`Planned: ${report.plan.tags.map(code).join(' ') || '_none_'}`);
  if (report.push?.unchanged.length)
    out.push(`Already there (same image): ${report.push.unchanged.map(code).join(' ')}`);
  if (report.push?.withheld.length) {
    out.push('Withheld:\n' + report.push.withheld.map(w => `- ${code(w.tag)}: ${text(w.reason)}`).join('\n'));
  }
  if (report.pushPolicy?.push && report.pushPolicy.kinds) out.push(`_${text(report.pushPolicy.reason)}._`);
  return out.join('\n\n');
}

function smokeSection(smoke: SmokeResult, limits: RenderLimits): string {
  const icon = ICON[smoke.verdict.status];
  const out = ['### Smoke test', `${icon} **${smoke.health}**: ${text(smoke.message)}`];
  if (smoke.evidence) {
    const evidence =
      smoke.evidence.length > limits.evidenceChars
        ? `…${smoke.evidence.slice(-limits.evidenceChars)}`
        : smoke.evidence;
    out.push(details('Evidence', codeBlock(evidence)));
  }
  return out.join('\n\n');
}

function lintSection(lint: LintResult, dockerfile: string, limits: RenderLimits): string {
  const out = [`### Dockerfile lint (${code(dockerfile)})`];
  if (lint.findings.length === 0) {
    out.push('No findings: it follows the container best practices Shipshape checks.');
    return out.join('\n\n');
  }
  const shown = lint.findings.slice(0, limits.lint);
  out.push(
    table(
      ['Line', 'Rule', 'Severity', 'Finding', 'Fix'],
      shown.map(f => [String(f.line), code(`${f.rule} ${f.name}`), f.severity, text(f.message), text(f.fix)])
    )
  );
  if (lint.findings.length > shown.length)
    out.push(`_…and ${lint.findings.length - shown.length} more lint findings._`);
  return out.join('\n\n');
}

function pullSection(report: RunReport): string {
  const digests = Object.entries(report.push?.digests ?? {});
  if (digests.length === 0) return '';
  return [
    '### Pull it',
    codeBlock(digests.map(([image, digest]) => `docker pull ${image}@${digest}`).join('\n'), 'sh')
  ].join('\n\n');
}

/** What the image holds (the SBOM, by package type) and how to check its signature. */
function supplyChainSection(report: RunReport): string {
  const sbom = report.sbom;
  const sign = report.sign;
  if (!sbom && !sign) return '';
  const out = ['### SBOM and signature'];
  if (sbom) {
    const types = Object.entries(sbom.counts).sort(([a], [b]) => a.localeCompare(b));
    const formats = Object.keys(sbom.files).map(code).join(', ');
    out.push(`${sbom.packages.length} packages from the scan${formats ? ` (SBOM: ${formats})` : ''}.`);
    if (types.length > 0)
      out.push(
        table(
          ['Package type', 'Packages'],
          types.map(([t, n]) => [code(t), String(n)])
        )
      );
  }
  if (sign?.note) out.push(text(sign.note) + '.');
  if (sign?.verify) {
    const how =
      sign.mode === 'key'
        ? 'with the key pair whose public half is `cosign.pub`'
        : 'keyless, with this workflow’s identity';
    out.push(`Signed ${how}, by digest, in every registry it was pushed to. Check it:`);
    out.push(codeBlock([sign.verify.signature, sign.verify.attestation].filter(Boolean).join('\n'), 'sh'));
  }
  return out.join('\n\n');
}

/** The whole report as markdown, at one level of detail. */
export function renderMarkdown(report: RunReport, limits: RenderLimits): string {
  const sections = [
    headline(report),
    overview(report),
    gatesSection(report),
    compareSection(report),
    tagsSection(report),
    report.scan ? scanSection(report.scan, report.insight, limits, report.runUrl, report.build?.base) : '',
    report.smoke ? smokeSection(report.smoke, limits) : '',
    report.lint ? lintSection(report.lint, report.dockerfile, limits) : '',
    pullSection(report),
    supplyChainSection(report),
    report.plan.warnings.length > 0
      ? `### Warnings\n\n${report.plan.warnings.map(w => `- ${text(w)}`).join('\n')}`
      : '',
    details('OCI labels', codeBlock(report.plan.labels.join('\n')))
  ];
  return sections.filter(Boolean).join('\n\n') + '\n';
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
    const shortened = i > 0;
    const note = shortened
      ? `\n\n_This report was shortened to fit. ${link('The full report is in the workflow run', report.runUrl)}._\n`
      : '';
    const body = `${prefix}${renderMarkdown(report, limits)}${note}`;
    if (body.length <= limit) return body;
  }
  const minimal = `${prefix}${headline(report)}\n\n${gatesSection(report)}\n\n${link('Full report in the workflow run', report.runUrl)}\n`;
  return minimal.slice(0, limit);
}

export const renderSummary = (report: RunReport): string => renderWithin(report, SUMMARY_LIMIT);
