import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/docker.js';
import { sourceFiles } from './helpers/sources.js';

const SRC = path.join(ROOT, 'src');
/** The pipeline's stages, each a folder under src/ with an index.ts. */
const STAGES = [
  'plan',
  'lint',
  'builder',
  'scan',
  'insight',
  'smoke',
  'push',
  'supply-chain',
  'report',
  'merge'
];
/** The leaves every stage may import, and the action's shell. */
const LEAVES = ['common', 'dockerfile', 'registry', 'tools', 'types'];
const SHELL = 'action';

interface Edge {
  to: string;
  /** `import type …`: erased from the bundle, a contract between stages. */
  typeOnly: boolean;
}

/** file (relative to src/) → the src files it imports, statically or on demand. */
function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const edges = [...text.matchAll(/(import\s+type\s[^;]*?from|from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map(
      m => ({
        to: path.relative(SRC, path.resolve(path.dirname(file), m[2])).replace(/\.js$/, '.ts'),
        typeOnly: /^import\s+type\s/.test(m[1])
      })
    );
    graph.set(path.relative(SRC, file), edges);
  }
  return graph;
}

/** A top-level folder's name, or the file itself at the root of src/. */
const nodeOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : file);
const isContract = (file: string): boolean => /^[^/]+\/contract\.ts$/.test(file);

interface Violations {
  stageToStage: string[];
  importsInputs: string[];
  cycles: string[][];
}

/**
 * What the layout forbids, found in an import graph: a stage importing another stage's code (a
 * type-only import of its contract is the one way stages share data), anything but main reading
 * the inputs back, and a cycle between folders.
 */
function violations(graph: Map<string, Edge[]>): Violations {
  const found: Violations = { stageToStage: [], importsInputs: [], cycles: [] };
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    for (const { to, typeOnly } of targets) {
      const [a, b] = [nodeOf(from), nodeOf(to)];
      const contract = typeOnly && isContract(to);
      if (STAGES.includes(a) && STAGES.includes(b) && a !== b && !contract)
        found.stageToStage.push(`${from} → ${to}`);
      if (to === 'action/inputs/inputs.ts' && from !== 'main.ts' && !typeOnly) found.importsInputs.push(from);
      if (a !== b && !contract) edges.set(a, (edges.get(a) ?? new Set()).add(b));
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

const lines = (file: string): number => readFileSync(path.join(SRC, file), 'utf8').split('\n').length;

describe('src/ reads as the pipeline', () => {
  const graph = importGraph();

  test('the checker finds stage code importing a stage, a read-back of the inputs and a folder cycle, and lets contracts through', () => {
    const bad = new Map<string, Edge[]>([
      [
        'report/render.ts',
        [
          { to: 'push/index.ts', typeOnly: false },
          { to: 'scan/contract.ts', typeOnly: true },
          { to: 'results.ts', typeOnly: true }
        ]
      ],
      [
        'push/index.ts',
        [
          { to: 'registry/client.ts', typeOnly: false },
          { to: 'action/inputs/inputs.ts', typeOnly: false }
        ]
      ],
      ['registry/client.ts', [{ to: 'push/release.ts', typeOnly: false }]],
      ['scan/index.ts', [{ to: 'builder/contract.ts', typeOnly: false }]]
    ]);
    expect(violations(bad)).toEqual({
      stageToStage: ['report/render.ts → push/index.ts', 'scan/index.ts → builder/contract.ts'],
      importsInputs: ['push/index.ts'],
      cycles: [['push', 'registry', 'push']]
    });
  });

  test('one folder per stage, each with an index.ts imported from the real tree', () => {
    const all = [...graph.values()].flat().map(e => e.to);
    for (const stage of STAGES) {
      expect(graph.has(`${stage}/index.ts`)).toBe(true);
      expect(all).toContain(`${stage}/index.ts`);
    }
  });

  test('no stage imports another but its contract types, nothing but main reads the inputs, no folder-level cycle', () => {
    expect(violations(graph)).toEqual({ stageToStage: [], importsInputs: [], cycles: [] });
  });

  test('every folder of src/ is a stage, a leaf or the shell; at most 8 files at the root', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter(e => e.isDirectory())
      .map(e => e.name);
    expect(folders.sort()).toEqual([...STAGES, ...LEAVES, SHELL].sort());
    expect(readdirSync(SRC).filter(f => f.endsWith('.ts')).length).toBeLessThanOrEqual(8);
  });

  test('main.ts is at most 100 lines, no src file exceeds 300 and no folder (its own files) 800', () => {
    expect(lines('main.ts')).toBeLessThanOrEqual(100);
    expect([...graph.keys()].filter(f => lines(f) > 300)).toEqual([]);
    const byFolder = new Map<string, number>();
    for (const file of graph.keys()) {
      const folder = path.dirname(file);
      byFolder.set(folder, (byFolder.get(folder) ?? 0) + lines(file));
    }
    expect([...byFolder].filter(([, n]) => n > 800)).toEqual([]);
  });

  test('the scan stage orchestrates in at most 60 lines per function', () => {
    const text = readFileSync(path.join(SRC, 'scan/index.ts'), 'utf8').split('\n');
    const starts = text.flatMap((l, i) => (/^(export )?async function /.test(l) ? [i] : []));
    const lengths = starts.map(start => text.slice(start).findIndex(l => l === '}') + 1);
    expect(lengths.length).toBeGreaterThan(0);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(60);
  });

  test('one Verdict: every gate-bearing contract carries it, and the gate only collects them', () => {
    for (const stage of ['lint', 'scan', 'smoke', 'insight']) {
      expect(readFileSync(path.join(SRC, stage, 'contract.ts'), 'utf8')).toMatch(
        /import type \{ Verdict \} from '\.\.\/common\/verdict\.js'/
      );
    }
    const gate = readFileSync(path.join(SRC, 'gate.ts'), 'utf8');
    expect(gate).not.toMatch(/from '\.\/(lint|scan|smoke|insight)\//);
    expect(
      sourceFiles(SRC).filter(f =>
        /\binterface \w*Verdict\b|type \w*Verdict\w* =/.test(readFileSync(f, 'utf8'))
      )
    ).toEqual([path.join(SRC, 'common/verdict.ts')]);
  });
});

describe('docs/architecture.md', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const named = new Set([...doc.matchAll(/`(?:src\/)?([a-z-]+(?:\/[a-z-]+)?)\/`/g)].map(m => m[1]));
  const folders = sourceFiles(SRC)
    .map(f => path.relative(SRC, path.dirname(f)))
    .filter((f, i, all) => f !== '' && all.indexOf(f) === i);

  test('names every folder of src/', () => {
    expect(folders.filter(f => !named.has(f))).toEqual([]);
  });

  test('every folder it names exists', () => {
    expect([...named].filter(f => !folders.includes(f))).toEqual([]);
  });
});

describe('on-demand loading holds in the bundle', () => {
  const dist = path.join(ROOT, 'dist');
  const chunks = readdirSync(dist).filter(f => f.endsWith('.js') && f !== 'index.js');
  const read = (file: string): string => readFileSync(path.join(dist, file), 'utf8');
  // What index.js imports before it runs (static imports, followed): the start-up's code.
  const startup = (file: string, seen = new Set<string>()): Set<string> => {
    seen.add(file);
    for (const [, next] of read(file).matchAll(/(?:^|[;}])import(?:[^'"()]*?from)?\s*["']\.\/([^"']+)["']/g))
      if (!seen.has(next)) startup(next, seen);
    return seen;
  };

  // A string each kind of code carries: the registry client's tag list, the tool cache's
  // directory variable, Octokit's user agent, the Actions cache service's URL variable,
  // moment-timezone's name for itself, an error message of XRegExp (PEP 440's regexes), one of
  // semver's token names.
  const MARKERS = {
    'date formatting': 'Moment Timezone',
    'PEP 440': 'Backreference to undefined group',
    semver: 'NUMERICIDENTIFIERLOOSE',
    registry: 'tags/list?n=1000',
    'tool-cache': 'RUNNER_TOOL_CACHE',
    'GitHub client': 'octokit-core.js',
    'actions cache': 'ACTIONS_CACHE_URL'
  };

  test.each(Object.entries(MARKERS))(
    '%s code is in an on-demand chunk, not in a file loaded at start',
    (_kind, marker) => {
      const loaded = [...startup('index.js')];
      expect(chunks.some(chunk => !loaded.includes(chunk) && read(chunk).includes(marker))).toBe(true);
      expect(loaded.filter(file => read(file).includes(marker))).toEqual([]);
    }
  );

  test('node:crypto is not imported by a file loaded at start (its first caller loads it)', () => {
    const loaded = [...startup('index.js')];
    const crypto = /from\s*["'](node:)?crypto["']/;
    expect(chunks.some(chunk => crypto.test(read(chunk)))).toBe(true);
    expect(loaded.filter(file => crypto.test(read(file)))).toEqual([]);
    expect(loaded.some(file => read(file).includes('getBuiltinModule("node:crypto")'))).toBe(true);
  });

  test('the start loads at most three files: the entry, its chunk and the bundler runtime', () => {
    expect(startup('index.js').size).toBeLessThanOrEqual(3);
  });

  test('undici (the OIDC client @actions/core imports at its top) is not loaded at start', () => {
    const loaded = [...startup('index.js')];
    expect(loaded.length).toBeGreaterThan(1);
    const undici = chunks.filter(chunk => read(chunk).includes('undici'));
    expect(undici.length).toBeGreaterThan(0);
    expect(loaded.filter(chunk => undici.includes(chunk))).toEqual([]);
  });

  test("@actions/core's platform details (@actions/exec, @actions/io and its node:assert) are not loaded at start", () => {
    const loaded = [...startup('index.js')];
    expect(chunks.some(chunk => /from\s*["'](node:)?assert["']/.test(read(chunk)))).toBe(true);
    expect(loaded.filter(chunk => /from\s*["'](node:)?assert["']/.test(read(chunk)))).toEqual([]);
  });
});
