/**
 * Markdown helpers for text Shipshape does not control (branch names, package names,
 * vulnerability titles, container logs): rendered inert, never as markup, links or mentions.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Plain text safe inside a paragraph or a table cell. */
export function text(value: string): string {
  return (
    value
      .replace(/[&<>"]/g, c => HTML[c])
      // With [ and ] escaped no link can form, so ( ) and ! can stay readable.
      .replace(/[\\`*_{}[\]#+|~]/g, c => `\\${c}`)
      .replace(/@(?=\w)/g, '@\u200b')
      .replace(/\r?\n/g, ' ')
  );
}

/** An inline code span that no backtick inside the value can close early. */
export function code(value: string): string {
  const oneLine = value.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map(run => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  // Inside a table cell a pipe still splits the row, even in a code span.
  return `${fence}${pad}${oneLine.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A fenced block that no line of the value can close early. */
export function codeBlock(value: string, lang = ''): string {
  const longest = Math.max(2, ...(value.match(/`{3,}/g) ?? []).map(run => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${value.replace(/\s+$/, '')}\n${fence}`;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** A link only when the URL is a plain https URL; otherwise the text alone. */
export function link(label: string, url: string): string {
  return /^https:\/\/[^\s()<>"'`]+$/.test(url) ? `[${label}](${url})` : label;
}
