import type { RootContent } from 'mdast';
import type { BuildCache } from '../../builder/contract.js';
import { code, details, joined, table, type Inline } from './writer.js';

const SAID = { built: 'built', runner: "this runner's build cache" } as const;

/** Each Dockerfile step and where its result came from: built, this runner's cache, or an imported one. */
export function buildStepsSection(cache: BuildCache | undefined): RootContent[] {
  if (!cache || cache.sources.length === 0) return [];
  const several = cache.imported.length > 1 ? ['one of '] : [];
  const imported: Inline[] = [...several, ...joined(cache.imported.map(code), ', ')];
  const rows = cache.sources.map(({ step, from }) => [
    [code(step)],
    from === 'imported' ? imported : [SAID[from]]
  ]);
  return details(`Build steps: ${cache.cached} of ${cache.steps} reused`, [table(['Step', 'From'], rows)]);
}
