import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { ROOT } from './helpers/docker.js';
import { sourceFiles } from './helpers/sources.js';

const SRC = path.join(ROOT, 'src');

interface Found {
  where: string;
  text: string;
}

/** Every regular expression literal in src/, and every place that builds one at run time. */
function expressions(): { literals: Found[]; built: Found[] } {
  const literals: Found[] = [];
  const built: Found[] = [];
  for (const file of sourceFiles(SRC)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) literals.push({ where: where(node), text: node.text });
      if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      )
        built.push({ where: where(node), text: node.getText(source) });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { literals, built };
}

/**
 * The expressions built at run time, and why each is safe: what goes into it is Shipshape's
 * own, escaped, or a pattern the workflow author wrote for their own tags.
 */
const BUILT: Record<string, string> = {
  'plan/index.ts': 'a template helper name from a fixed list',
  'plan/images.ts': 'the Distribution reference grammar, checked below as it is built',
  'plan/tags/rules.ts': "a type=match pattern the workflow author wrote, applied to the run's own Git ref",
  'common/annotation-levels.ts': 'the fixed annotation-level grammar, checked below as it is built',
  'push/release.ts': 'a tag prefix and suffix, every metacharacter escaped, around a fixed version pattern'
};

describe('every regular expression in src/ runs in linear time', () => {
  const { literals, built } = expressions();

  test('every literal: recheck finds none that backtracks', () => {
    expect(literals.length).toBeGreaterThan(100);
    const unsafe = literals.flatMap(({ where, text }) => {
      const last = text.lastIndexOf('/');
      const result = checkSync(text.slice(1, last), text.slice(last + 1));
      return result.status === 'safe' ? [] : [`${where} ${text}: ${result.status}`];
    });
    expect(unsafe).toEqual([]);
  }, 120_000);

  test('each expression built at run time is one listed here, with why it is safe', () => {
    expect(built.map(b => b.where.replace(/:\d+$/, '')).filter(file => !(file in BUILT))).toEqual([]);
  });

  test('the built grammars are safe as built', async () => {
    const { LEVEL_ONLY, LEVEL_PREFIX } = await import('../src/common/annotation-levels.js');
    const { REFERENCE } = await import('../src/plan/images.js');
    for (const pattern of [REFERENCE, LEVEL_ONLY, LEVEL_PREFIX])
      expect(checkSync(pattern.source, pattern.flags).status).toBe('safe');
  }, 60_000);

  test('recheck does find a backtracking expression (the check can fail)', () => {
    expect(checkSync('^(a+)+$', '').status).toBe('vulnerable');
    expect(checkSync('\\s+$', '').status).toBe('vulnerable');
  });
});
