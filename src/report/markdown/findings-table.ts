import type { Table } from 'mdast';
import type { Finding } from '../../scan/contract.js';
import { code, emphasis, lineBreak, link, table, text, type Inline } from './writer.js';

/**
 * The advisory page of a vulnerability ID, built here from the ID's own shape: a report's URLs
 * come from the scanner or a saved file and are never linked.
 */
export function advisoryUrl(id: string): string | undefined {
  if (/^CVE-\d{4}-\d{4,7}$/.test(id)) return `https://avd.aquasec.com/nvd/${id.toLowerCase()}`;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) return `https://github.com/advisories/${id}`;
  return undefined;
}

/** The findings table of the summary and the comment; `titles` adds each vulnerability's title. */
export function findingsTable(findings: Omit<Finding, 'blocking'>[], titles: boolean): Table {
  return table(
    ['Severity', 'Vulnerability', 'Package', 'Installed', 'Fixed in', 'Introduced by'],
    findings.map(f => {
      const url = advisoryUrl(f.id);
      const id: Inline[] = [url ? link(f.id, url) : text(f.id)];
      if (titles && f.title) id.push(lineBreak(), f.title);
      const source = f.source ? `line ${f.source.line}${f.source.base ? ' (base image)' : ''}` : '';
      return [
        [f.severity],
        id,
        [code(f.pkg)],
        [code(f.installed)],
        [f.fixed ? code(f.fixed) : emphasis(text('no fix'))],
        [source]
      ];
    })
  );
}
