import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import * as md from '../../../src/report/markdown/writer.js';
import { renderMarkdown } from '../../../src/report/markdown/render.js';
import { elements, htmlComments, references, renderGfm } from '../../helpers/gfm.js';
import { everySectionReport, freeTextPaths, setAt } from '../../helpers/report.js';

/** What a pull request or an image can put in a string: markup, mentions, links, every line ending. */
const HOSTILE = [
  '<img src="https://evil.example/track.png">',
  '<!-- shipshape:comment image=other job=x -->',
  '</details></details>',
  '<details><summary>x</summary>',
  '@org/security-team',
  '@everyone',
  '#1',
  'GH-12',
  'https://evil.example/x',
  'www.evil.example',
  'user@evil.example',
  '[click](https://evil.example)',
  '![x](https://evil.example/i.png)',
  '[ref]: https://evil.example',
  '<https://evil.example>',
  '`',
  '```',
  '~~~',
  '|',
  '\\',
  '*',
  '_',
  '# heading',
  '> quote',
  '- item',
  '1. item',
  '---',
  '&lt;',
  '&#60;script&#62;',
  '\r',
  '\n',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\v',
  '\f',
  '\t',
  '\u0000',
  ' ',
  '    '
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 8 })), {
    maxLength: 12
  })
  .map(parts => parts.join(''));
// 1,000 cases each; `npm run mutate` runs fewer for every mutant (SHIPSHAPE_PROPERTY_RUNS).
const RUNS = { numRuns: Number(process.env.SHIPSHAPE_PROPERTY_RUNS ?? 1000) };

const TABLE = ['table', 'thead', 'tbody', 'tr', 'th', 'td'];
/** Elements, without the closing slash. */
const names = (html: string): string[] => elements(html).map(e => e.replace(/^\//, ''));
const count = (html: string, name: string): number => elements(html).filter(e => e === name).length;

describe('untrusted text, rendered by cmark-gfm as GitHub does, is inert', () => {
  test('as text in a paragraph: no element but the paragraph, no comment, no reference', () => {
    fc.assert(
      fc.property(hostile, value => {
        const html = renderGfm(md.serialize([md.paragraph('before ', value, ' after')]));
        expect(names(html).filter(e => e !== 'p')).toEqual([]);
        expect(htmlComments(html)).toEqual([]);
        expect(references(html)).toEqual([]);
      }),
      RUNS
    );
  });

  test('as text and as code in a table cell: one row, its cells, nothing else', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const html = renderGfm(md.serialize([md.table(['a', 'b'], [[[a], [md.code(b)]]])]));
        expect(names(html).filter(e => ![...TABLE, 'code'].includes(e))).toEqual([]);
        expect(count(html, 'td')).toBe(2);
        expect(count(html, 'tr')).toBe(2);
        expect(count(html, 'code')).toBeLessThanOrEqual(1);
        expect(references(html)).toEqual([]);
      }),
      RUNS
    );
  });

  test('as a code block: one block, and what follows it is ours', () => {
    fc.assert(
      fc.property(hostile, value => {
        const html = renderGfm(md.serialize([md.codeBlock(value), md.paragraph('after')]));
        expect(names(html)).toEqual(['pre', 'code', 'code', 'pre', 'p', 'p']);
        expect(html.endsWith('<p>after</p>\n')).toBe(true);
      }),
      RUNS
    );
  });

  test('as the summary and body of a folded section: one details, balanced, one summary', () => {
    fc.assert(
      fc.property(hostile, hostile, (summary, body) => {
        const html = renderGfm(
          md.serialize([...md.details(summary, [md.codeBlock(body)]), md.paragraph('after')])
        );
        expect(count(html, 'details')).toBe(1);
        expect(count(html, '/details')).toBe(1);
        expect(count(html, 'summary')).toBe(1);
        expect(htmlComments(html)).toEqual([]);
        expect(references(html)).toEqual([]);
        expect(html.endsWith('<p>after</p>\n')).toBe(true);
      }),
      RUNS
    );
  });

  test('as a link: only a plain https URL links, and its label is text', () => {
    fc.assert(
      fc.property(hostile, hostile, (label, url) => {
        const html = renderGfm(md.serialize([md.paragraph(md.link(label, url))]));
        const plain = /^https:\/\/[A-Za-z0-9.-]+(\/[A-Za-z0-9._~%/-]*)?$/.test(url);
        expect(count(html, 'a')).toBe(plain ? 1 : 0);
        expect([...html.matchAll(/href="([^"]*)"/g)].map(m => m[1])).toEqual(plain ? [url] : []);
        expect(names(html).filter(e => !['p', 'a'].includes(e))).toEqual([]);
        expect(references(html)).toEqual([]);
      }),
      RUNS
    );
    expect(
      renderGfm(md.serialize([md.paragraph(md.link('run', 'https://github.com/o/r/actions/runs/1'))]))
    ).toBe('<p><a href="https://github.com/o/r/actions/runs/1">run</a></p>\n');
  });

  test('every line ending is folded, and a reference keeps its characters', () => {
    expect(md.inert('a\rb\nc\r\nd\u2028e\u2029f\u0085g\vh\fi')).toBe('a b c d e f g h i');
    expect(md.inert('@me #12 GH-3 https://x www.y')).toBe(
      '@\u200bme #\u200b12 GH-\u200b3 https:\u200b//x www\u200b.y'
    );
    expect(md.inert('a@b mail me at user@example.test')).toBe('a@\u200bb mail me at user@\u200bexample.test');
  });
});

describe('a whole report with every string from outside', () => {
  const report = everySectionReport();
  const fields = freeTextPaths(report);
  const ALLOWED = [
    ...TABLE,
    'h2',
    'h3',
    'p',
    'code',
    'pre',
    'strong',
    'em',
    'br',
    'ul',
    'li',
    'a',
    'details',
    'summary'
  ];

  test('every free-text field, each given 1,000 values: allowed elements, our links, balanced details, no reference', () => {
    expect(fields.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.array(hostile, { minLength: fields.length, maxLength: fields.length }), values => {
        const poisoned = structuredClone(report);
        fields.forEach((at, i) => setAt(poisoned, at, values[i]));
        const html = renderGfm(renderMarkdown(poisoned, { findings: 200, lint: 200, evidenceChars: 16000 }));
        expect(names(html).filter(e => !ALLOWED.includes(e))).toEqual([]);
        expect(htmlComments(html)).toEqual([]);
        expect(count(html, 'details')).toBe(count(html, '/details'));
        expect(references(html)).toEqual([]);
        const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map(m => m[1]);
        expect(
          hrefs.filter(h => !/^https:\/\/(avd\.aquasec\.com\/nvd\/|github\.com\/advisories\/)/.test(h))
        ).toEqual([]);
      }),
      RUNS
    );
  });
});

describe('the document Shipshape writes, to the character', () => {
  test('every builder once: headings, emphasis, code, lists, a table, a fence, a folded section', () => {
    const markdown = md.serialize([
      md.heading(2, 'Image ', md.code('app:1')),
      md.paragraph(
        md.strong(md.text('passed')),
        ' and ',
        md.emphasis(md.text('quick')),
        md.lineBreak(),
        md.link('run', 'https://github.com/o/r')
      ),
      md.bullets([['one'], ['two ', md.code('')]]),
      md.table(['Gate', 'Status'], [[['lint'], ['passed']]]),
      md.codeBlock('  indented\nline\n\n', 'text'),
      md.codeBlock('plain'),
      ...md.details('Why & <how> "now"', [md.paragraph('body')])
    ]);
    expect(markdown).toBe(
      [
        '## Image `app:1`',
        '',
        '**passed** and _quick_<br>[run](https://github.com/o/r)',
        '',
        '- one',
        '- two ',
        '',
        '| Gate | Status |',
        '| - | - |',
        '| lint | passed |',
        '',
        '```text',
        '  indented',
        'line',
        '```',
        '',
        '```',
        'plain',
        '```',
        '',
        '<details><summary>Why &amp; &lt;how&gt; &quot;now&quot;</summary>',
        '',
        'body',
        '',
        '</details>',
        ''
      ].join('\n')
    );
  });

  test.each([
    ['http://example.com/x'],
    ['https://example.com/x y'],
    ['javascript:alert(1)//https://example.com'],
    ['https://example.com/x"onclick'],
    ['xhttps://example.com']
  ])('%s is not a URL Shipshape builds: its label stays text', url => {
    expect(md.link('label', url)).toEqual({ type: 'text', value: 'label' });
  });

  test('an empty code span is empty text; a code span folds its line endings only', () => {
    expect(md.code('')).toEqual({ type: 'text', value: '' });
    expect(md.code('a\r\nb @x')).toEqual({ type: 'inlineCode', value: 'a b @x' });
  });
});
