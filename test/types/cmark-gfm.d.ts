// cmark-gfm (GitHub's Markdown renderer, as Node bindings) ships no types: what the tests call.
declare module 'cmark-gfm' {
  interface Options {
    unsafe?: boolean;
    extensions?: Partial<Record<'table' | 'strikethrough' | 'autolink' | 'tagfilter' | 'tasklist', boolean>>;
  }
  export function renderHtmlSync(markdown: string, options?: Options): string;
}
