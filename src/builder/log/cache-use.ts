import type { StepSource } from '../contract.js';

export interface CacheUse {
  /** Dockerfile steps the build ran or reused (FROM lines excluded). */
  steps: number;
  cached: number;
  imported: string[];
  /** Cache sources that could not be read, with BuildKit's reason. */
  missing: { ref: string; reason: string }[];
  /** Each step, in the Dockerfile's order, and where its result came from. */
  sources: StepSource[];
}

/** The longest step text kept: BuildKit prints a RUN's whole command line. */
const STEP_CHARS = 120;

/**
 * A progress line of a layer transfer: `#9 sha256:<digest> 1.00MB / 1.00MB 0.0s done` on the
 * containerd store, `#9 pulling sha256:<digest> 0.0s done` on the classic one; and the
 * containerd store's unpacking of such a layer, `#9 extracting sha256:<digest> 0.0s done`.
 */
const BLOB = /^#(\d+) (?:pulling |extracting )?sha256:[0-9a-f]{64}\b/;

/**
 * What the build reused, read from BuildKit's plain progress output (pure). A step counts as
 * cached when BuildKit says CACHED, or when all it printed was blob transfers: a step loaded
 * from an imported cache pulls (and on the containerd store may unpack) its layers under its
 * own number and may then end as DONE (BuildKit first reports the content checksum of a COPY as
 * work). A step that really ran prints its output or nothing at all.
 */
export function cacheUse(log: string): CacheUse {
  const cached = new Set<string>();
  const pulled = new Set<string>();
  const worked = new Set<string>();
  const imports = new Map<string, string>();
  const failed = new Map<string, string>();
  const missing: CacheUse['missing'] = [];
  // BuildKit numbers each stage's steps on their own (`[build 2/3]`): stages in the order they first appear.
  const titles = new Map<string, { title: string; stage: number; index: number }>();
  const stages: string[] = [];
  for (const line of log.split('\n')) {
    const step = /^#(\d+) \[(?:([^\]\s]+) )?(\d+)\/\d+\] (\S+)/.exec(line);
    const stage = step?.[2] ?? '';
    if (step && !stages.includes(stage)) stages.push(stage);
    if (step && step[4].toUpperCase() !== 'FROM' && !titles.has(step[1])) {
      const at = { stage: stages.indexOf(stage), index: Number(step[3]) };
      titles.set(step[1], { title: line.slice(line.indexOf(' ') + 1).slice(0, STEP_CHARS), ...at });
    }
    const hit = /^#(\d+) CACHED$/.exec(line.trim());
    if (hit) cached.add(hit[1]);
    const blob = BLOB.exec(line);
    if (blob) pulled.add(blob[1]);
    else if (!step && !/^#\d+ (DONE|CACHED)\b/.test(line)) worked.add(/^#(\d+) /.exec(line)?.[1] ?? '');
    const importing = /^#(\d+) importing cache manifest from (\S+)/.exec(line);
    if (importing) imports.set(importing[1], importing[2]);
    const error = /^#(\d+) ERROR: (.*)$/.exec(line);
    if (error) failed.set(error[1], error[2]);
    const local = /^WARNING: local cache import at (\S+) not found/.exec(line);
    if (local) missing.push({ ref: local[1], reason: 'not found' });
  }
  for (const [id, ref] of imports) {
    const reason = failed.get(id);
    if (reason !== undefined) missing.push({ ref, reason: /not found/.test(reason) ? 'not found' : reason });
  }
  const reused = [...titles.keys()].filter(id => cached.has(id) || (pulled.has(id) && !worked.has(id)));
  const imported = [...imports].filter(([id]) => !failed.has(id)).map(([, ref]) => ref);
  // BuildKit prints every layer it pulls from an imported cache under one step (the last one
  // that needed them), so a reused step's layers came from the cache when any were pulled.
  const reusedFrom = imported.length > 0 && pulled.size > 0 ? 'imported' : 'runner';
  const sources = [...titles]
    .sort(([, a], [, b]) => a.stage - b.stage || a.index - b.index)
    .map(([id, { title }]): StepSource => ({
      step: title,
      from: reused.includes(id) ? reusedFrom : 'built'
    }));
  return { steps: titles.size, cached: reused.length, imported, missing, sources };
}
