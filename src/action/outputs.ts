import * as core from '@actions/core';
import { splitPair } from '../common/key-values.js';
import type { RunReport } from '../results.js';
import type { Plan } from '../plan/contract.js';

/** `tags`, `tag-names` and `json` (metadata-action's shape) for a list of full references. */
function setTagOutputs(plan: Plan, tags: string[]): void {
  core.setOutput('tags', tags.join('\n'));
  core.setOutput('tag-names', [...new Set(tags.map(t => t.slice(t.lastIndexOf(':') + 1)))].join('\n'));
  const labels = Object.fromEntries(plan.labels.map(l => splitPair(l)).filter(p => p !== undefined));
  core.setOutput('json', JSON.stringify({ tags, labels, annotations: plan.annotations }));
}

/** What the plan alone decides: set even on a dry run or before a failed build. */
export function setPlanOutputs(plan: Plan): void {
  core.setOutput('version', plan.version);
  setTagOutputs(plan, plan.tags);
  core.setOutput('labels', plan.labels.join('\n'));
  core.setOutput('annotations', plan.annotations.join('\n'));
  core.setOutput('image', plan.tags[0] ?? '');
}

/** What the build, the gates and the push found. */
export function setResultOutputs(report: RunReport): void {
  core.setOutput('image-id', report.build?.imageId ?? '');
  const scan = report.scan;
  // The vulnerability gates: the scan's, and fail-on-new's against the baseline.
  const vulnerable = [
    scan?.verdict,
    ...(report.insight?.verdicts ?? []).filter(v => v.gate === 'new findings')
  ];
  core.setOutput(
    'scan-result',
    scan
      ? scan.error
        ? 'error'
        : vulnerable.some(v => v?.status === 'failed')
          ? 'failed'
          : 'passed'
      : 'skipped'
  );
  // No counts when Trivy could not run: zeros would read as "no vulnerabilities".
  core.setOutput('vulnerabilities', JSON.stringify(scan && !scan.error ? scan.report.counts : {}));
  core.setOutput('sarif', report.scan?.sarifPath ?? '');
  core.setOutput('health', report.smoke?.health ?? 'skipped');
  core.setOutput('pushed', String(report.push?.pushed ?? false));
  core.setOutput('digest', Object.values(report.push?.digests ?? {})[0] ?? '');
  // After a push, `tags` says what went out; withheld tags are not in it.
  if (report.push?.pushed) setTagOutputs(report.plan, report.push.tags);
  const sbom = report.sbom?.files;
  core.setOutput('sbom-cyclonedx', sbom?.cyclonedx ?? '');
  core.setOutput('sbom-spdx', sbom?.spdx ?? '');
  const signed = report.sign?.signed ?? [];
  core.setOutput('signature', signed.map(s => s.signature).join('\n'));
  core.setOutput('sbom-attestation', signed.flatMap(s => (s.attestation ? [s.attestation] : [])).join('\n'));
}

export function setReportOutputs(published: { reportPath: string; commentUrl?: string }): void {
  core.setOutput('report', published.reportPath);
  core.setOutput('comment-url', published.commentUrl ?? '');
}
