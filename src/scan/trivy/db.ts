import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatAge } from '../../common/age.js';
import { lastLines, runProcess } from '../../common/process.js';
import { retry } from '../../common/retry.js';
import { redact } from '../../common/untrusted.js';
import type { DbState } from '../contract.js';

/**
 * Trivy's vulnerability DB and Java DB: where they live between runs, bringing them up to
 * date, and what to scan with when no repository answers.
 */

/** Where Trivy keeps its DBs between runs (and what @actions/cache persists). */
export const trivyCacheDir = (): string =>
  process.env.SHIPSHAPE_TRIVY_CACHE_DIR || path.join(os.homedir(), '.cache', 'shipshape-trivy');

const cacheKey = (day: string): string => `shipshape-trivy-db-${process.platform}-${process.arch}-${day}`;

/** Restores the newest saved DB; true only for one saved today (then nothing needs saving). */
export async function restoreDbCache(dir: string, day: string): Promise<boolean> {
  if (!cache.isFeatureAvailable()) return false;
  try {
    const hit = await cache.restoreCache([dir], cacheKey(day), [cacheKey('')]);
    return hit === cacheKey(day);
  } catch (error) {
    core.warning(`Trivy DB cache restore failed: ${(error as Error).message}`);
    return false;
  }
}

export async function saveDbCache(dir: string, day: string): Promise<void> {
  if (!cache.isFeatureAvailable()) return;
  try {
    await cache.saveCache([dir], cacheKey(day));
  } catch (error) {
    // Another job of the same day may have saved it first; that is fine.
    core.debug(`Trivy DB cache not saved: ${(error as Error).message}`);
  }
}

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

/** True when the DB in the cache dir was downloaded today (UTC): no update needed. */
export async function dbIsFresh(cacheDir: string, now = new Date()): Promise<boolean> {
  return (
    (await cachedDb(cacheDir, 'db'))?.downloadedAt?.toISOString().slice(0, 10) ===
    now.toISOString().slice(0, 10)
  );
}

const RATE_LIMITED = /TOOMANYREQUESTS|429 Too Many Requests|\b429\b/i;
const ATTEMPTS = 3;

/**
 * Downloads the vulnerability DB, trying each repository in order; rate limits are retried
 * with bounded exponential backoff before moving on. When every repository fails, the cached
 * DB is used while it is younger than `maxAgeMs`, and the warning says how old it is.
 */
export async function updateDb(
  bin: string,
  cacheDir: string,
  repositories: string[],
  maxAgeMs: number
): Promise<DbState> {
  const cached = await cachedDb(cacheDir, 'db');
  const now = new Date();
  if (await dbIsFresh(cacheDir, now)) {
    core.info('Trivy DB downloaded today is in the cache: no update');
    return {
      source: 'cache',
      updatedAt: cached?.updatedAt.toISOString(),
      ageMs: cached && now.getTime() - cached.updatedAt.getTime()
    };
  }
  const failures: string[] = [];
  for (const repository of repositories) {
    const download = async (): Promise<void> => {
      const result = await runProcess(
        bin,
        [
          'image',
          '--download-db-only',
          '--no-progress',
          '--cache-dir',
          cacheDir,
          '--db-repository',
          repository
        ],
        { timeoutMs: 10 * 60_000 }
      );
      if (result.exitCode !== 0) throw new Error(`${result.stderr}\n${result.stdout}`);
    };
    try {
      await retry(download, {
        attempts: ATTEMPTS,
        retryable: error => RATE_LIMITED.test((error as Error).message),
        onRetry: (_error, delay, next) =>
          core.info(
            `Trivy DB at ${repository} is rate-limited; retrying in ${delay} ms (attempt ${next}/${ATTEMPTS})`
          )
      });
      const fresh = await cachedDb(cacheDir, 'db');
      return {
        source: 'downloaded',
        updatedAt: fresh?.updatedAt.toISOString(),
        ageMs: fresh && Date.now() - fresh.updatedAt.getTime()
      };
    } catch (error) {
      failures.push(`${repository}: ${lastLines((error as Error).message, 3)}`);
    }
  }
  const decided = fallback(
    'Trivy vulnerability DB from any repository',
    cached,
    maxAgeMs,
    failures.join('\n'),
    now
  );
  if ('error' in decided) throw new Error(decided.error);
  core.warning(redact(decided.warning));
  return decided.state;
}

/**
 * A cache directory of its own for the baseline scan, sharing the main one's DBs: Trivy locks
 * its scan cache (fanal.db) while it scans, but opens the vulnerability DB read-only since
 * 0.68, so two scans can read it at once.
 */
export async function sharedDbCache(cacheDir: string): Promise<string> {
  const dir = `${cacheDir}-baseline`;
  await mkdir(dir, { recursive: true });
  for (const db of ['db', 'java-db']) {
    await symlink(path.join(cacheDir, db), path.join(dir, db)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return dir;
}
