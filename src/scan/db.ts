import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DbState } from '../results.js';
import { formatAge } from '../age.js';

/** When a cached Trivy DB (`db`) or Java DB (`java-db`) was built and fetched, from its metadata.json. */
export async function cachedDb(
  cacheDir: string,
  name: 'db' | 'java-db'
): Promise<{ updatedAt: Date; downloadedAt?: Date } | undefined> {
  try {
    const meta = JSON.parse(await readFile(path.join(cacheDir, name, 'metadata.json'), 'utf8')) as {
      UpdatedAt?: string;
      DownloadedAt?: string;
    };
    const updated = meta.UpdatedAt ?? meta.DownloadedAt;
    if (!updated) return undefined;
    return {
      updatedAt: new Date(updated),
      downloadedAt: meta.DownloadedAt ? new Date(meta.DownloadedAt) : undefined
    };
  } catch {
    return undefined;
  }
}

/**
 * What to scan with when no DB could be downloaded (pure): the cached one while it is younger
 * than max-db-age, with its age said; otherwise nothing, and why.
 */
export function fallback(
  what: string,
  cached: { updatedAt: Date } | undefined,
  maxAgeMs: number,
  why: string,
  now = new Date()
): { state: DbState; warning: string } | { error: string } {
  if (!cached) return { error: `cannot download the ${what} and none is cached:\n${why}` };
  const ageMs = now.getTime() - cached.updatedAt.getTime();
  const built = cached.updatedAt.toISOString();
  if (ageMs > maxAgeMs) {
    return {
      error: `cannot download the ${what}, and the cached one (built ${built}) is ${formatAge(ageMs)} old, past max-db-age (${formatAge(maxAgeMs)}):\n${why}`
    };
  }
  return {
    state: { source: 'stale-cache', updatedAt: built, ageMs },
    warning: `cannot download the ${what}: scanning with the cached one, built ${built} (${formatAge(ageMs)} old, max-db-age ${formatAge(maxAgeMs)}):\n${why}`
  };
}
