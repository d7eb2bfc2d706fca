import { code, link, table, text } from './markdown.js';
import type { Finding } from '../scan/contract.js';

/** The findings table of the summary and the comment; `titles` adds each vulnerability's title. */
export function findingsTable(findings: Omit<Finding, 'blocking'>[], titles: boolean): string {
  return table(
    ['Severity', 'Vulnerability', 'Package', 'Installed', 'Fixed in', 'Introduced by'],
    findings.map(f => [
      f.severity,
      `${link(text(f.id), f.url)}${titles && f.title ? `<br>${text(f.title)}` : ''}`,
      code(f.pkg),
      code(f.installed),
      f.fixed ? code(f.fixed) : '_no fix_',
      f.source ? text(`line ${f.source.line}${f.source.base ? ' (base image)' : ''}`) : ''
    ])
  );
}
