import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/docker.js';

const SRC = path.join(ROOT, 'src');
const STAGES = ['plan', 'lint', 'build', 'scan', 'smoke', 'push', 'sign', 'report'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sourceFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : []
  );
}

/** file (relative to src/) → the src files it imports, statically or on demand. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map(m => m[1]);
    const targets = specifiers.map(s =>
      path.relative(SRC, path.resolve(path.dirname(file), s)).replace(/\.js$/, '.ts')
    );
    graph.set(path.relative(SRC, file), targets);
  }
  return graph;
}

/** A stage folder's name, or the file itself for the shared leaves at the top of src/. */
const nodeOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : file);

interface Violations {
  stageToStage: string[];
  importsInputs: string[];
  cycles: string[][];
}

/** What the layout forbids, found in an import graph (file → imported files). */
function violations(graph: Map<string, string[]>): Violations {
  const found: Violations = { stageToStage: [], importsInputs: [], cycles: [] };
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [nodeOf(from), nodeOf(to)];
      if (STAGES.includes(a) && STAGES.includes(b) && a !== b) found.stageToStage.push(`${from} → ${to}`);
      if (to === 'inputs.ts' && from !== 'main.ts') found.importsInputs.push(from);
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
  }
  // Depth-first search for a path that comes back to a node on the current path.
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, trail: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      found.cycles.push([...trail.slice(trail.indexOf(node)), node]);
      return;
    }
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  return found;
}

describe('src/ reads as the pipeline', () => {
  const graph = importGraph();

  test('the checker finds a stage importing a stage, a read-back of inputs.ts and a folder cycle', () => {
    const bad = new Map([
      ['report/render.ts', ['push/index.ts', 'results.ts']],
      ['push/index.ts', ['registry.ts', 'inputs.ts']],
      ['registry.ts', ['push/release.ts']]
    ]);
    expect(violations(bad)).toEqual({
      stageToStage: ['report/render.ts → push/index.ts'],
      importsInputs: ['push/index.ts'],
      cycles: [['push', 'registry.ts', 'push']]
    });
  });

  test('one folder per stage, each imported from the real tree', () => {
    for (const stage of STAGES) expect(graph.has(`${stage}/index.ts`)).toBe(true);
    expect([...graph.values()].flat()).toEqual(expect.arrayContaining(STAGES.map(s => `${s}/index.ts`)));
  });

  test('no stage imports another, nothing but main reads inputs.ts back, no folder-level cycle', () => {
    expect(violations(graph)).toEqual({ stageToStage: [], importsInputs: [], cycles: [] });
  });

  test('main.ts is at most 100 lines and no src file exceeds 350', () => {
    const lines = (file: string): number => readFileSync(path.join(SRC, file), 'utf8').split('\n').length;
    expect(lines('main.ts')).toBeLessThanOrEqual(100);
    const long = [...graph.keys()].filter(f => lines(f) > 350);
    expect(long).toEqual([]);
  });
});

describe('on-demand loading holds in the bundle', () => {
  const dist = path.join(ROOT, 'dist');
  const chunks = readdirSync(dist).filter(f => /^\d+\.index\.js$/.test(f));
  const read = (file: string): string => readFileSync(path.join(dist, file), 'utf8');
  // A string each kind of code carries: the registry client's tag list, the tool cache's
  // directory variable, Octokit's user agent, the Actions cache service's URL variable,
  // moment-timezone's and XRegExp's (PEP 440's) names for themselves.
  const MARKERS = {
    'date formatting': 'Moment Timezone',
    'PEP 440': 'XRegExp',
    registry: 'tags/list?n=1000',
    'tool-cache': 'RUNNER_TOOL_CACHE',
    'GitHub client': 'octokit-core.js',
    'actions cache': 'ACTIONS_CACHE_URL'
  };

  test.each(Object.entries(MARKERS))('%s code is in an on-demand chunk, not in index.js', (_kind, marker) => {
    expect(chunks.some(chunk => read(chunk).includes(marker))).toBe(true);
    expect(read('index.js')).not.toContain(marker);
  });
});
