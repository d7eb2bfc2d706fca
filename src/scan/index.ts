import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerOk } from '../docker.js';
import type { BuildResult, ScanResult } from '../results.js';
import { atOrAbove, countBySeverity, SEVERITIES, type Severity, type Threshold } from '../severity.js';
import { restoreDbCache, saveDbCache, trivyCacheDir } from './db-cache.js';
import { filterReport, mergePlatforms, parseTrivyReport, scanGate, type ParsedReport } from './findings.js';
import { installTrivy } from './install.js';
import { locateFindings } from './layers.js';
import { mergeSarif } from './sarif.js';
import { scanTargets, type ScanTarget } from './targets.js';
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

const suffix = (target: ScanTarget): string =>
  target.platform ? `-${target.platform.replace(/\//g, '-')}` : '';

/** Installs Trivy, refreshes its DB, scans every platform of the built image once and decides the gate. */
export async function scanStage(
  settings: ScanSettings,
  build: Pick<BuildResult, 'platforms' | 'layout' | 'builder'>,
  reference: string,
  outputDir: string
): Promise<ScanResult> {
  const started = Date.now();
  await mkdir(outputDir, { recursive: true });
  const cacheDir = trivyCacheDir();
  const day = new Date().toISOString().slice(0, 10);
  const bin = await installTrivy(settings.trivyVersion);
  const exactHit = await restoreDbCache(cacheDir, day);
  try {
    await updateDb(bin, cacheDir, settings.trivyDbRepositories);
    const dockerfileText = await readFile(settings.file, 'utf8');
    const scans: { target: ScanTarget; full: ParsedReport; jsonPath: string; sarifPath: string }[] = [];
    // One at a time: Trivy holds a lock on its cache directory while it scans.
    for (const target of scanTargets(build, reference, outputDir)) {
      const { save } = target;
      if (save) await dockerOk(['save', '--platform', save.platform, '--output', save.archive, save.image]);
      const jsonPath = path.join(outputDir, `trivy${suffix(target)}.json`);
      const json = await scanImage(bin, {
        source: target.source,
        platform: target.platform || undefined,
        output: jsonPath,
        cacheDir,
        ignoreUnfixed: settings.ignoreUnfixed,
        ignoreFile: settings.trivyignore || undefined,
        timeoutMs: settings.scanTimeoutMs
      });
      const sarifPath = path.join(outputDir, `trivy${suffix(target)}.sarif`);
      await convertToSarif(bin, jsonPath, sarifPath);
      scans.push({ target, full: parseTrivyReport(json), jsonPath, sarifPath });
    }
    const sarifPath = path.join(outputDir, 'trivy.sarif');
    if (scans.length > 1)
      await mergeSarif(
        scans.map(s => ({ platform: s.target.platform, path: s.sarifPath })),
        sarifPath
      );
    const only = (severity: Severity[]) => ({ severity, ignoreUnfixed: settings.ignoreUnfixed });
    // The gate sees every severity: hiding one from the report must not open the gate.
    const gated = mergePlatforms(
      scans.map(s => ({
        platform: s.target.platform,
        findings: filterReport(s.full, only([...SEVERITIES])).findings
      }))
    );
    const shown = mergePlatforms(
      scans.map(s => ({
        platform: s.target.platform,
        findings: locateFindings(
          filterReport(s.full, only(settings.severity)),
          dockerfileText,
          settings.target
        )
      }))
    ).map(f => ({ ...f, blocking: atOrAbove(f.severity, settings.failOn) }));
    const gate = scanGate({ ...scans[0].full, findings: gated }, settings.failOn);
    return {
      report: {
        ...scans[0].full,
        findings: shown,
        counts: countBySeverity(shown),
        fixable: shown.filter(f => f.fixed).length
      },
      failed: gate.failed,
      detail: gate.detail,
      jsonPath: scans[0].jsonPath,
      sarifPath,
      trivyVersion: settings.trivyVersion,
      durationMs: Date.now() - started
    };
  } finally {
    // Saved whatever the gate says, so the next run starts from today's DB.
    if (!exactHit) await saveDbCache(cacheDir, day);
  }
}
