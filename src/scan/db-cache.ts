import * as cache from '@actions/cache';
import * as core from '@actions/core';
import os from 'node:os';
import path from 'node:path';

/** Where Trivy keeps its DB between runs (and what @actions/cache persists). */
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
