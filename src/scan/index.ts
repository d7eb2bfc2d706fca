import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../results.js';
import { atOrAbove, SEVERITIES, type Severity, type Threshold } from '../severity.js';
import { restoreDbCache, saveDbCache, trivyCacheDir } from './db-cache.js';
import { filterReport, parseTrivyReport, scanGate } from './findings.js';
import { installTrivy } from './install.js';
import { locateFindings } from './layers.js';
import { convertToSarif, scanImage, updateDb } from './trivy.js';

/** The inputs the scan reads (named as in Inputs). */
export interface ScanSettings {
  file: string;
  target: string;
  trivyVersion: string;
  trivyDbRepositories: string[];
  severity: Severity[];
  failOn: Threshold;
  ignoreUnfixed: boolean;
  trivyignore: string;
  scanTimeoutMs: number;
}

/** Installs Trivy, refreshes its DB, scans the local image once and decides the gate. */
export async function scanStage(
  settings: ScanSettings,
  image: string,
  outputDir: string
): Promise<ScanResult> {
  const started = Date.now();
  await mkdir(outputDir, { recursive: true });
  const jsonPath = path.join(outputDir, 'trivy.json');
  const sarifPath = path.join(outputDir, 'trivy.sarif');
  const cacheDir = trivyCacheDir();
  const day = new Date().toISOString().slice(0, 10);
  const bin = await installTrivy(settings.trivyVersion);
  const exactHit = await restoreDbCache(cacheDir, day);
  try {
    await updateDb(bin, cacheDir, settings.trivyDbRepositories);
    const json = await scanImage(bin, {
      image,
      output: jsonPath,
      cacheDir,
      ignoreUnfixed: settings.ignoreUnfixed,
      ignoreFile: settings.trivyignore || undefined,
      timeoutMs: settings.scanTimeoutMs
    });
    const full = parseTrivyReport(json);
    await convertToSarif(bin, jsonPath, sarifPath);
    // The gate sees every severity: hiding one from the report must not open the gate.
    const gated = filterReport(full, { severity: [...SEVERITIES], ignoreUnfixed: settings.ignoreUnfixed });
    const shown = filterReport(full, { severity: settings.severity, ignoreUnfixed: settings.ignoreUnfixed });
    const dockerfileText = await readFile(settings.file, 'utf8');
    const gate = scanGate(gated, settings.failOn);
    const findings = locateFindings(shown, dockerfileText, settings.target).map(f => ({
      ...f,
      blocking: atOrAbove(f.severity, settings.failOn)
    }));
    return {
      report: { ...shown, findings },
      failed: gate.failed,
      detail: gate.detail,
      jsonPath,
      sarifPath,
      trivyVersion: settings.trivyVersion,
      durationMs: Date.now() - started
    };
  } finally {
    // Saved whatever the gate says, so the next run starts from today's DB.
    if (!exactHit) await saveDbCache(cacheDir, day);
  }
}
