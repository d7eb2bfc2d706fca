import * as core from '@actions/core';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerOk } from '../common/docker.js';
import { messageOf } from '../common/errors.js';
import { atOrAbove, countBySeverity, emptyCounts } from '../common/severity.js';
import { logUntrusted, redact } from '../common/untrusted.js';
import { verdict } from '../common/verdict.js';
import type { BuildResult } from '../builder/contract.js';
import type { BaselineScan, ScanResult } from './contract.js';
import { scannedSize } from './facts.js';
import { mergePackages, mergePlatforms, scanVerdict, withoutUnfixed } from './findings.js';
import { layerSources } from './layers.js';
import type { PreparedScanner, ScannedImage, ScanSettings } from './port.js';
import { mergeSarif } from './sarif.js';
import { loadScanner, scannerTitle } from './scanners.js';
import { scanTargets, type ScanTarget } from './targets.js';

export type { ScanSettings } from './port.js';

type Built = Pick<BuildResult, 'platforms' | 'layout' | 'builder' | 'imageId'>;

export interface ScanRequestOptions {
  /** List every package: the run writes an SBOM. */
  listPackages: boolean;
  /** The baseline's scan, started while the image built (see `scanBaseline`), when one was found. */
  baseline?: Promise<BaselineScan | undefined>;
  /** Runs what no verdict needs (SARIF, the DB cache's save) after the stage; else the stage waits for it. */
  later?: (step: string, work: () => Promise<void>) => void;
}

/** The scanner made ready (installed, its DB current), or why it could not be: kept for the scan stage. */
export type PreparedScan = { scanner: PreparedScanner } | { error: unknown };

/** Installs the scanner and brings its DB up to date: needs no image, so it runs while the image builds. */
export async function prepareScan(settings: ScanSettings, outputDir: string): Promise<PreparedScan> {
  try {
    await mkdir(outputDir, { recursive: true });
    return { scanner: await (await loadScanner(settings.scanner)).prepare(settings, outputDir) };
  } catch (error) {
    return { error };
  }
}

/**
 * The scan stage: every platform of the built image (and the baseline beside it) scanned once
 * by the chosen scanner, and the gate decided. A scanner that cannot run is its own outcome,
 * never "no findings": an error verdict, or a skipped one with `scan-error: warn`.
 */
export async function scanStage(
  settings: ScanSettings,
  build: Built,
  reference: string,
  outputDir: string,
  options: ScanRequestOptions,
  prepared: Promise<PreparedScan> = prepareScan(settings, outputDir)
): Promise<ScanResult> {
  const started = Date.now();
  try {
    const ready = await prepared;
    if ('error' in ready) throw ready.error;
    const { scanner } = ready;
    let scanned: Scanned | undefined;
    try {
      const { sarif, ...found } = await scanWith(scanner, settings, build, reference, outputDir, options);
      core.info(`Scan: ${found.verdict.detail}`);
      scanned = { result: { ...found, durationMs: Date.now() - started }, sarif };
      return scanned.result;
    } finally {
      await saveFiles(options, scanner, scanned);
    }
  } catch (error) {
    return { ...couldNotRun(settings, error), durationMs: Date.now() - started };
  }
}

type Scanned = { result: ScanResult; sarif: () => Promise<void> };

/** The SARIF and the DB cache's save, which no verdict needs: after the stage when the run allows. */
async function saveFiles(options: ScanRequestOptions, scanner: PreparedScanner, scanned?: Scanned) {
  const files = async () => {
    await scanned?.sarif().catch((error: unknown) => {
      core.warning(`SARIF not written: ${redact(messageOf(error))}`);
      scanned.result.sarifPath = '';
    });
    await scanner.finish();
  };
  if (options.later) options.later('scan files saved', files);
  else await files();
}

type TargetScan = ScannedImage & { target: ScanTarget };

async function scanWith(
  scanner: PreparedScanner,
  settings: ScanSettings,
  build: Built,
  reference: string,
  outputDir: string,
  options: ScanRequestOptions
): Promise<Omit<ScanResult, 'durationMs'> & { sarif: () => Promise<void> }> {
  const scans = await scanEachTarget(scanner, settings, build, reference, outputDir, options.listPackages);
  const dockerfile = await readFile(settings.file, 'utf8');
  const sources = scans.map(s => layerSources(s.facts, dockerfile, settings.target));
  // Every severity: hiding one from view must not open the gate.
  const all = mergePlatforms(
    scans.map((s, i) => ({
      platform: s.target.platform,
      findings: withoutUnfixed(s.findings, settings.ignoreUnfixed).map(f => ({
        ...f,
        source: sources[i].get(f.layer)
      }))
    }))
  );
  const findings = all
    .filter(f => settings.severity.includes(f.severity))
    .map(f => ({ ...f, blocking: atOrAbove(f.severity, settings.failOn) }));
  return {
    report: {
      ...scans[0].facts,
      findings,
      counts: countBySeverity(findings),
      fixable: findings.filter(f => f.fixed).length,
      layerSources: Object.fromEntries(sources[0])
    },
    verdict: scanVerdict(all, settings.failOn),
    hidden: all.filter(f => !settings.severity.includes(f.severity)),
    jsonPath: scans[0].reportPath,
    ...oneSarif(scans, path.join(outputDir, `${settings.scanner}.sarif`)),
    packages: options.listPackages ? mergePackages(scans.map(s => s.packages)) : undefined,
    sizes: scans.flatMap(s => scannedSize(s.target.platform || build.platforms[0] || '', s.facts) ?? []),
    baseline: await options.baseline,
    scanner: scanner.info,
    db: scanner.db,
    javaDb: scans.find(s => s.javaDb)?.javaDb
  };
}

/**
 * Every platform of the image, one at a time (a scanner may lock its cache while it scans); a
 * platform the daemon does not serve natively is saved to an archive first.
 */
async function scanEachTarget(
  scanner: PreparedScanner,
  settings: ScanSettings,
  build: Built,
  reference: string,
  outputDir: string,
  listPackages: boolean
): Promise<TargetScan[]> {
  const file = (target: ScanTarget, ext: string) =>
    path.join(
      outputDir,
      `${settings.scanner}${target.platform ? `-${target.platform.replace(/\//g, '-')}` : ''}.${ext}`
    );
  const scans: TargetScan[] = [];
  for (const target of scanTargets(build, reference, outputDir)) {
    const { save } = target;
    if (save) await dockerOk(['save', '--platform', save.platform, '--output', save.archive, save.image]);
    const request = {
      target,
      listPackages,
      reportPath: file(target, 'json'),
      sarifPath: file(target, 'sarif')
    };
    scans.push({ ...(await scanner.scan(request)), target });
  }
  return scans;
}

/**
 * One SARIF file for code scanning, and how to write it: the only platform's, or every
 * platform's merged into `merged`.
 */
function oneSarif(scans: TargetScan[], merged: string): { sarifPath: string; sarif: () => Promise<void> } {
  const each = async () => {
    for (const scan of scans) await scan.writeSarif?.();
  };
  if (scans.length === 1) return { sarifPath: scans[0].sarifPath ?? '', sarif: each };
  const parts = scans.flatMap(s => (s.sarifPath ? [{ platform: s.target.platform, path: s.sarifPath }] : []));
  const sarif = async () => {
    await each();
    await mergeSarif(parts, merged);
  };
  return { sarifPath: merged, sarif };
}

/**
 * The baseline (`image@digest` in its registry), scanned for the platform it is compared on: it
 * needs no built image, so it runs while the image builds. A failure is said, never fatal;
 * `signal` stops it when the build fails.
 */
export async function scanBaseline(
  scanner: PreparedScanner,
  settings: ScanSettings & { platforms: string[] },
  reference: string,
  compared: { platform: string; outputDir: string; signal?: AbortSignal }
): Promise<BaselineScan> {
  // A one-platform build's image has no platform to pick: the baseline's is the one looked up.
  const platform = settings.platforms.length > 1 ? compared.platform : '';
  try {
    const scanned = await scanner.scan({
      target: { platform, source: { remote: reference } },
      listPackages: false,
      reportPath: path.join(compared.outputDir, `${settings.scanner}-baseline.json`),
      sarifPath: '',
      signal: compared.signal
    });
    return {
      reference,
      findings: withoutUnfixed(scanned.findings, settings.ignoreUnfixed),
      size: scannedSize(compared.platform, scanned.facts)
    };
  } catch (error) {
    return { reference, error: redact(messageOf(error)).split('\n')[0] };
  }
}

/** The result of a scanner that could not run: said in the log, where warnings show, and in the verdict. */
function couldNotRun(settings: ScanSettings, error: unknown): Omit<ScanResult, 'durationMs'> {
  const message = redact(messageOf(error));
  const warn = settings.scanError === 'warn';
  const title = scannerTitle(settings.scanner);
  logUntrusted(`${title} could not run: ${message}`);
  // The step passes on: say it where the workflow run shows warnings, not only in the log.
  if (warn)
    core.warning(
      `${title} could not run, the image is not scanned (scan-error: warn): ${message.split('\n')[0]}`
    );
  const detail = `${title} could not run${warn ? ' (scan-error: warn lets the image through unscanned)' : ''}: ${message.split('\n')[0]}`;
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
    verdict: verdict('scan', warn ? 'skipped' : 'error', detail),
    error: message,
    jsonPath: '',
    sarifPath: ''
  };
}
