import path from 'node:path';
import type { ParsedDockerfile } from '../dockerfile/parse.js';
import { stageChain, stagesBuilt } from '../dockerfile/stages.js';
import type { Capabilities } from './detect.js';
import type { CacheSpec, CacheUpload } from './contract.js';
import type { Plan } from '../plan/contract.js';

/** The inputs the cache reads (named as in Inputs). */
export interface CacheSettings {
  cache: boolean;
  cacheFrom: CacheSpec[];
  cacheTo: CacheSpec[];
  noCache: boolean;
}

export interface CachePlan {
  from: CacheSpec[];
  to: CacheSpec[];
  uploads: CacheUpload[];
  /** Entries that were dropped, and why. */
  dropped: string[];
}

/** `type=registry,ref=…` back in buildx's CSV grammar, quoting values that hold a comma. */
export function cacheArg(spec: CacheSpec): string {
  const quote = (v: string): string => (/[,"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [`type=${spec.type}`, ...Object.entries(spec.attrs).map(([k, v]) => `${k}=${quote(v)}`)].join(',');
}

const registry = (ref: string): CacheSpec => ({ type: 'registry', attrs: { ref } });
const INLINE: CacheSpec = { type: 'inline', attrs: {} };
export const cacheTag = (scope: string): string => `buildcache-${scope}`.slice(0, 128);

/**
 * Whether cache inline in the image holds every step's that a `mode=max` export would (pure): one
 * platform built into the store, and no stage built but those the image is FROM (a stage only
 * copied from leaves none of its steps in the image).
 */
export function inlineHoldsAll(
  dockerfile: ParsedDockerfile,
  settings: { platforms: string[]; buildArgs: Record<string, string>; target: string },
  caps: Capabilities
): boolean {
  if (settings.platforms.length > 1 || caps.output !== 'load') return false;
  return (
    stagesBuilt(dockerfile, settings.buildArgs, settings.target)?.size ===
    stageChain(dockerfile, settings.target).length
  );
}

/**
 * Which caches the build imports and exports (pure). Without `cache-from`/`cache-to`, the
 * default is the image's own earlier pushes: inline cache in its branch tags on the classic
 * store, a `buildcache-<branch>` registry cache where the builder can export one. That cache is
 * the pushed image itself, tagged, where its inline cache holds every step (`inlineHoldsAll`):
 * an export costs the build about a second more. Not for a run that pushes a release tag: the
 * inline records can differ between a first build and a cached rebuild, and a rerun of the release
 * would then find its tag holding other bytes. A registry export is written to `workDir` and
 * uploaded only after the gates, so a failed gate writes nothing to any registry.
 */
export function planCache(
  settings: CacheSettings,
  caps: Capabilities,
  plan: Pick<Plan, 'images' | 'tagNames' | 'kinds' | 'cache' | 'semver'>,
  pushes: boolean,
  workDir: string,
  inlineHoldsEveryStep = false
): CachePlan {
  const out: CachePlan = { from: [], to: [], uploads: [], dropped: [] };
  if (caps.cacheExport === 'none') {
    out.dropped.push(
      ...[...settings.cacheFrom, ...settings.cacheTo].map(
        s => `${cacheArg(s)}: the classic builder has no cache import or export`
      )
    );
    return out;
  }
  const defaults = settings.cache && settings.cacheFrom.length === 0 && settings.cacheTo.length === 0;
  const image = plan.images[0];
  if (defaults && image) {
    if (caps.cacheExport === 'inline') {
      const own = plan.tagNames.filter(t => plan.kinds[t] === 'branch' || plan.kinds[t] === 'pr');
      out.from = [...new Set([...own, ...plan.cache.import])].map(tag => registry(`${image}:${tag}`));
      if (pushes) out.to = [INLINE];
    } else {
      out.from = plan.cache.import.map(scope => registry(`${image}:${cacheTag(scope)}`));
      if (pushes && plan.cache.export) {
        const ref = `${image}:${cacheTag(plan.cache.export)}`;
        const release = plan.tagNames.some(t => plan.semver[t]?.scope === 'full');
        const inline = inlineHoldsEveryStep && !release;
        out.to = [inline ? INLINE : { type: 'registry', attrs: { ref, mode: 'max' } }];
        if (inline) out.uploads.push({ ref });
      }
    }
  } else {
    out.from = settings.cacheFrom;
    out.to = settings.cacheTo;
  }
  if (settings.noCache) out.from = [];
  const to: CacheSpec[] = [];
  for (const [i, spec] of out.to.entries()) {
    if (spec.type === 'inline') to.push(spec);
    else if (caps.cacheExport !== 'local') {
      out.dropped.push(
        `${cacheArg(spec)}: the docker driver on the classic image store exports inline cache only`
      );
    } else if (spec.type === 'registry') {
      const { ref, ...attrs } = spec.attrs;
      const dir = path.join(workDir, `cache-${i}`);
      to.push({ type: 'local', attrs: { ...attrs, dest: dir } });
      out.uploads.push({ dir, ref });
    } else to.push(spec);
  }
  out.to = to;
  return out;
}

/** Where the cache goes, as the summary names it: uploads by their registry reference. */
export function cacheExports(cache: CachePlan): string[] {
  const deferred = new Set(cache.uploads.map(u => u.dir));
  return [
    ...cache.to.filter(s => !(s.type === 'local' && deferred.has(s.attrs.dest))).map(cacheArg),
    ...cache.uploads.map(u => `type=registry,ref=${u.ref}`)
  ];
}
