import type { BuildResult } from './build.js';
import type { Gates } from './gate.js';
import type { LintResult } from './lint.js';
import type { ScanResult } from './scan/index.js';
import type { PushPolicy, PushResult } from './push.js';
import type { SmokeResult } from './smoke.js';
import { code, codeBlock, table, text } from './markdown.js';
import type { Plan } from './plan/index.js';

/** Everything one run decided and found; rendered into the summary and the JSON report. */
export interface RunReport {
  plan: Plan;
  dryRun: boolean;
  build?: BuildResult;
  lint?: LintResult;
  smoke?: SmokeResult;
  scan?: ScanResult;
  gates?: Gates;
  pushPolicy?: PushPolicy;
  push?: PushResult;
}

export function renderSummary(report: RunReport): string {
  const { plan } = report;
  const out: string[] = ['## 🚢 Shipshape'];
  out.push(
    report.dryRun
      ? '**Dry run**: plan only, nothing was built or pushed.'
      : `Built ${code(plan.images[0] ?? '')} with ${report.build?.builder.kind ?? 'docker'}.`
  );
  out.push(
    table(
      ['', ''],
      [
        ['Version', plan.version ? code(plan.version) : '_none_'],
        ['Images', plan.images.map(code).join('<br>')],
        ['Tags', plan.tagNames.map(code).join(' ') || '_none_'],
        ...(report.build ? [['Image ID', code(report.build.imageId)]] : [])
      ]
    )
  );
  if (plan.warnings.length > 0) {
    out.push('### Warnings', plan.warnings.map(w => `- ${text(w)}`).join('\n'));
  }
  out.push('### Labels', codeBlock(plan.labels.join('\n')));
  return out.join('\n\n') + '\n';
}
