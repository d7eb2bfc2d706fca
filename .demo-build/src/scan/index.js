import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDockerfile } from '../dockerfile.js';
import { SEVERITIES } from '../inputs.js';
import { installTrivy } from './install.js';
import { mapLayers } from './layers.js';
import { filterReport, parseTrivyReport, scanGate } from './report.js';
import { convertToSarif, scanImage, updateDb } from './trivy.js';
/** Where Trivy keeps its DB between runs (and what @actions/cache persists). */
export const trivyCacheDir = () =>
  process.env.SHIPSHAPE_TRIVY_CACHE_DIR || path.join(os.homedir(), '.cache', 'shipshape-trivy');
const cacheKey = day => `shipshape-trivy-db-${process.platform}-${process.arch}-${day}`;
async function restoreDbCache(dir, day) {
  if (!cache.isFeatureAvailable()) return false;
  try {
    const hit = await cache.restoreCache([dir], cacheKey(day), [cacheKey('')]);
    return hit === cacheKey(day);
  } catch (error) {
    core.warning(`Trivy DB cache restore failed: ${error.message}`);
    return false;
  }
}
async function saveDbCache(dir, day) {
  if (!cache.isFeatureAvailable()) return;
  try {
    await cache.saveCache([dir], cacheKey(day));
  } catch (error) {
    // Another job of the same day may have saved it first; that is fine.
    core.debug(`Trivy DB cache not saved: ${error.message}`);
  }
}
/** Attaches to each finding the Dockerfile line whose layer brought it in. */
export function locateFindings(report, dockerfileText, target) {
  const layers = mapLayers(
    report.diffIds,
    report.history,
    parseDockerfile(dockerfileText),
    target || undefined
  );
  return report.findings.map(f => ({ ...f, source: layers.get(f.layer) }));
}
/** Installs Trivy, refreshes its DB, scans the local image once and decides the gate. */
export async function scanStage(o) {
  const started = Date.now();
  await mkdir(o.outputDir, { recursive: true });
  const jsonPath = path.join(o.outputDir, 'trivy.json');
  const sarifPath = path.join(o.outputDir, 'trivy.sarif');
  const cacheDir = trivyCacheDir();
  const day = new Date().toISOString().slice(0, 10);
  const bin = await installTrivy(o.trivyVersion);
  const exactHit = await restoreDbCache(cacheDir, day);
  try {
    await updateDb(bin, cacheDir, o.dbRepositories);
    const json = await scanImage(bin, {
      image: o.image,
      output: jsonPath,
      cacheDir,
      ignoreUnfixed: o.ignoreUnfixed,
      ignoreFile: o.ignoreFile,
      timeoutMs: o.timeoutMs
    });
    const full = parseTrivyReport(json);
    await convertToSarif(bin, jsonPath, sarifPath);
    // The gate sees every severity: hiding one from the report must not open the gate.
    const gated = filterReport(full, { severity: [...SEVERITIES], ignoreUnfixed: o.ignoreUnfixed });
    const shown = filterReport(full, { severity: o.severity, ignoreUnfixed: o.ignoreUnfixed });
    const dockerfileText = await readFile(o.dockerfile, 'utf8');
    const gate = scanGate(gated, o.failOn);
    return {
      report: { ...shown, findings: locateFindings(shown, dockerfileText, o.target) },
      failed: gate.failed,
      detail: gate.detail,
      jsonPath,
      sarifPath,
      trivyVersion: o.trivyVersion,
      durationMs: Date.now() - started
    };
  } finally {
    // Saved whatever the gate says, so the next run starts from today's DB.
    if (!exactHit) await saveDbCache(cacheDir, day);
  }
}
