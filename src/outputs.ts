import * as core from '@actions/core';
import type { Plan, RunReport } from './results.js';

/** What the plan alone decides: set even on a dry run or before a failed build. */
export function setPlanOutputs(plan: Plan): void {
  core.setOutput('version', plan.version);
  core.setOutput('tags', plan.tags.join('\n'));
  core.setOutput('labels', plan.labels.join('\n'));
  core.setOutput('image', plan.tags[0] ?? '');
}

/** What the build, the gates and the push found. */
export function setResultOutputs(report: RunReport): void {
  core.setOutput('image-id', report.build?.imageId ?? '');
  const scan = report.scan;
  core.setOutput(
    'scan-result',
    scan ? (scan.error ? 'error' : scan.failed ? 'failed' : 'passed') : 'skipped'
  );
  // No counts when Trivy could not run: zeros would read as "no vulnerabilities".
  core.setOutput('vulnerabilities', JSON.stringify(scan && !scan.error ? scan.report.counts : {}));
  core.setOutput('sarif', report.scan?.sarifPath ?? '');
  core.setOutput('health', report.smoke?.health ?? 'skipped');
  core.setOutput('pushed', String(report.push?.pushed ?? false));
  core.setOutput('digest', Object.values(report.push?.digests ?? {})[0] ?? '');
  // After a push, `tags` says what went out; withheld tags are not in it.
  if (report.push?.pushed) core.setOutput('tags', report.push.tags.join('\n'));
}

export function setReportOutputs(published: { reportPath: string; commentUrl?: string }): void {
  core.setOutput('report', published.reportPath);
  core.setOutput('comment-url', published.commentUrl ?? '');
}
