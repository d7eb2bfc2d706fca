import * as core from '@actions/core';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerOk } from '../docker.js';
import { messageOf } from '../errors.js';
import type { BuildResult, ScanResult } from '../results.js';
import {
  atOrAbove,
  countBySeverity,
  emptyCounts,
  SEVERITIES,
  type Severity,
  type Threshold
} from '../severity.js';
import { logUntrusted, redact } from '../untrusted.js';
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
  trivyPath: string;
  trivyDbRepositories: string[];
  trivyJavaDbRepositories: string[];
  maxDbAgeMs: number;
  severity: Severity[];
  failOn: Threshold;
  ignoreUnfixed: boolean;
  trivyignore: string;
  scanTimeoutMs: number;
  scanError: 'fail' | 'warn';
}

type Built = Pick<BuildResult, 'platforms' | 'layout' | 'builder'>;
const suffix = (target: ScanTarget): string =>
  target.platform ? `-${target.platform.replace(/\//g, '-')}` : '';

/**
 * Installs Trivy, refreshes its DB, scans every platform of the built image once and decides
 * the gate. A scanner that cannot run is its own outcome, never "no findings": it fails the gate
 * unless `scan-error: warn`.
 */
export async function scanStage(
  settings: ScanSettings,
  build: Built,
  reference: string,
  outputDir: string
): Promise<ScanResult> {
  const started = Date.now();
  const sarifPath = path.join(outputDir, 'trivy.sarif');
  try {
    const result = await scan(settings, build, reference, outputDir, sarifPath);
    core.info(`Scan: ${result.detail}`);
    return { ...result, durationMs: Date.now() - started };
  } catch (error) {
    const message = redact(messageOf(error));
    const warn = settings.scanError === 'warn';
    logUntrusted(`Trivy could not run: ${message}`);
    // The step passes on: say it where the workflow run shows warnings, not only in the log.
    if (warn)
      core.warning(
        `Trivy could not run, the image is not scanned (scan-error: warn): ${message.split('\n')[0]}`
      );
    return {
      report: {
        findings: [],
        counts: emptyCounts(),
        fixable: 0,
        diffIds: [],
        history: [],
        os: '',
        eosl: false
      },
      failed: !warn,
      error: message,
      detail: `Trivy could not run${warn ? ' (scan-error: warn lets the image through unscanned)' : ''}: ${message.split('\n')[0]}`,
      jsonPath: '',
      sarifPath: '',
      durationMs: Date.now() - started
    };
  }
}

async function scan(
  settings: ScanSettings,
  build: Built,
  reference: string,
  outputDir: string,
  sarifPath: string
): Promise<Omit<ScanResult, 'durationMs'>> {
  await mkdir(outputDir, { recursive: true });
  const cacheDir = trivyCacheDir();
  const day = new Date().toISOString().slice(0, 10);
  const scanner = await installTrivy(settings.trivyVersion, { trivyPath: settings.trivyPath || undefined });
  const exactHit = await restoreDbCache(cacheDir, day);
  try {
    const db = await updateDb(scanner.path, cacheDir, settings.trivyDbRepositories, settings.maxDbAgeMs);
    const dockerfileText = await readFile(settings.file, 'utf8');
    const scans: { target: ScanTarget; full: ParsedReport; jsonPath: string; sarifPath: string }[] = [];
    let javaDb: ScanResult['javaDb'];
    // One at a time: Trivy holds a lock on its cache directory while it scans.
    for (const target of scanTargets(build, reference, outputDir)) {
      const { save } = target;
      if (save) await dockerOk(['save', '--platform', save.platform, '--output', save.archive, save.image]);
      const jsonPath = path.join(outputDir, `trivy${suffix(target)}.json`);
      const scanned = await scanImage(scanner.path, {
        source: target.source,
        platform: target.platform || undefined,
        output: jsonPath,
        cacheDir,
        javaDbRepositories: settings.trivyJavaDbRepositories,
        maxDbAgeMs: settings.maxDbAgeMs,
        ignoreUnfixed: settings.ignoreUnfixed,
        ignoreFile: settings.trivyignore || undefined,
        timeoutMs: settings.scanTimeoutMs
      });
      javaDb ??= scanned.javaDb;
      const platformSarif = path.join(outputDir, `trivy${suffix(target)}.sarif`);
      await convertToSarif(scanner.path, jsonPath, platformSarif);
      scans.push({ target, full: parseTrivyReport(scanned.json), jsonPath, sarifPath: platformSarif });
    }
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
      sarifPath: scans.length > 1 ? sarifPath : scans[0].sarifPath,
      scanner,
      db,
      javaDb
    };
  } finally {
    // Saved whatever the gate says, so the next run starts from today's DB.
    if (!exactHit) await saveDbCache(cacheDir, day);
  }
}
