import type {
  BlockContent,
  Code,
  Heading,
  Html,
  InlineCode,
  List,
  Paragraph,
  PhrasingContent,
  RootContent,
  Table,
  Text
} from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

/**
 * The one markdown writer. Documents are built as mdast trees and serialised, so markup comes
 * only from the tree's shape; every value from outside (image names, package names, titles,
 * container logs, a saved report) enters as a text or code node and comes out inert: no raw
 * HTML, no link, no mention or issue reference, no line break that ends a cell or a span.
 */

/** Every line ending GitHub's renderer or a browser honours (U+0085 is a control), and every other control. */
const LINE_BREAKS = /\r\n|[\u2028\u2029]|\p{Cc}/gu;

/**
 * What GitHub turns into links or notifications after rendering (mentions, team mentions, issue
 * and pull request references, `GH-n`, bare URLs and `www.` names) broken by a zero-width space.
 */
const REFERENCES = /(@)(?=[A-Za-z0-9])|(#)(?=\d)|(GH-)(?=\d)|(:)(?=\/\/)|(www)(?=\.)/gi;

/** One line of untrusted text as a reader should see it, never as something GitHub acts on. */
export function inert(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(REFERENCES, '$&\u200b');
}

export const text = (value: string): Text => ({ type: 'text', value: inert(value) });

/**
 * Code spans are never autolinked or mentioned; only their line endings need folding. There is
 * no empty code span in markdown: its fence would pair with backticks around it.
 */
export const code = (value: string): InlineCode | Text =>
  value === '' ? text('') : { type: 'inlineCode', value: value.replace(LINE_BREAKS, ' ') };

export const strong = (...children: PhrasingContent[]): PhrasingContent => ({ type: 'strong', children });
export const emphasis = (...children: PhrasingContent[]): PhrasingContent => ({ type: 'emphasis', children });
export const lineBreak = (): Html => ({ type: 'html', value: '<br>' });

/** Only the https URLs Shipshape builds itself become links; anything else stays text. */
export function link(label: string, url: string): PhrasingContent {
  return /^https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9._~%/-]*)?$/.test(url)
    ? { type: 'link', url, children: [text(label)] }
    : text(label);
}

/** Phrasing: nodes as they are, strings as text. */
export type Inline = PhrasingContent | string;

/** Items separated by `separator`, as phrasing. */
export const joined = (items: Inline[], separator: string): Inline[] =>
  items.flatMap((item, i) => (i ? [separator, item] : [item]));
const phrasing = (parts: Inline[]): PhrasingContent[] =>
  parts.map(p => (typeof p === 'string' ? text(p) : p));

export const heading = (depth: 2 | 3, ...parts: Inline[]): Heading => ({
  type: 'heading',
  depth,
  children: phrasing(parts)
});
export const paragraph = (...parts: Inline[]): Paragraph => ({
  type: 'paragraph',
  children: phrasing(parts)
});

export const bullets = (items: Inline[][]): List => ({
  type: 'list',
  ordered: false,
  spread: false,
  children: items.map(item => ({ type: 'listItem', spread: false, children: [paragraph(...item)] }))
});

export const table = (header: Inline[], rows: Inline[][][]): Table => ({
  type: 'table',
  children: [header.map(h => [h]), ...rows].map(cells => ({
    type: 'tableRow',
    children: cells.map(cell => ({ type: 'tableCell', children: phrasing(cell) }))
  }))
});

/** A fenced block: the fence is longer than any run of backticks in the value. */
export const codeBlock = (value: string, lang?: string): Code => ({
  type: 'code',
  lang: lang ?? null,
  value: value.trimEnd()
});

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** A folded section: its summary is HTML (escaped, inert), its body markdown blocks. */
export function details(summary: string, body: (BlockContent | Table)[]): RootContent[] {
  const escaped = inert(summary).replace(/[&<>"]/g, c => HTML_ESCAPES[c]);
  return [
    { type: 'html', value: `<details><summary>${escaped}</summary>` },
    ...body,
    { type: 'html', value: '</details>' }
  ];
}

/** The document as GitHub-flavoured markdown. */
export function serialize(blocks: RootContent[]): string {
  return toMarkdown(
    { type: 'root', children: blocks },
    {
      extensions: [gfmToMarkdown({ tablePipeAlign: false })],
      bullet: '-',
      emphasis: '_',
      fence: '`',
      fences: true,
      rule: '-'
    }
  );
}
