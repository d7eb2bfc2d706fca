import { renderHtmlSync } from 'cmark-gfm';

/**
 * Markdown as GitHub renders it: cmark-gfm with GitHub's extensions, raw HTML passed through
 * (GitHub sanitizes it afterwards, so what reaches the HTML here is what the text could inject).
 */
export const renderGfm = (markdown: string): string =>
  renderHtmlSync(markdown, {
    unsafe: true,
    extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true, tasklist: true }
  });

/** The element names in rendered HTML, opening and closing tags alike, in order. */
export const elements = (html: string): string[] =>
  [...html.matchAll(/<(\/?[a-zA-Z][a-zA-Z0-9-]*)/g)].map(m => m[1].toLowerCase());

/** HTML comments in rendered HTML. */
export const htmlComments = (html: string): string[] => [...html.matchAll(/<!--[\s\S]*?-->/g)].map(m => m[0]);

/** Text GitHub would turn into a mention or an issue reference: outside code, after no word character. */
export function references(html: string): string[] {
  const outsideCode = html
    .replace(/<code>[\s\S]*?<\/code>|<pre>[\s\S]*?<\/pre>/g, ' ')
    .replace(/<[^>]*>/g, ' ');
  return [...outsideCode.matchAll(/(?<![\w`])[@#][A-Za-z0-9]/g)].map(m => m[0]);
}
