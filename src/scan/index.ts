import * as core from '@actions/core';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerOk } from '../docker.js';
import { messageOf } from '../errors.js';
import { parseDockerfile } from '../dockerfile.js';
import type { BuildResult, Plan, SbomFormat, SbomResult, ScanResult } from '../results.js';
import {
  atOrAbove,
  countBySeverity,
  emptyCounts,
  SEVERITIES,
  type Severity,
  type Threshold
} from '../severity.js';
import type { SizeLimit } from '../size-limit.js';
import { logUntrusted, redact } from '../untrusted.js';
import { SHIPSHAPE_VERSION } from '../version.js';
import { restoreDbCache, saveDbCache, trivyCacheDir } from './db-cache.js';
import { baseChanged, compareWith, diffFindings, scannedSize, sizeGate } from './baseline.js';
import { filterReport, mergePlatforms, parseTrivyReport, scanGate, type ParsedReport } from './findings.js';
import { installTrivy } from './install.js';
import { locateFindings, mapLayers } from './layers.js';
import { mergeSarif } from './sarif.js';
import { countByType, cycloneDx, parsePackages, spdx, type SbomSubject } from './sbom.js';
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
  failOnNew: Threshold;
  ignoreUnfixed: boolean;
  trivyignore: string;
  scanTimeoutMs: number;
  scanError: 'fail' | 'warn';
  sbom: 'auto' | 'true' | 'false';
  sbomFormat: SbomFormat[];
  maxSizeIncrease?: SizeLimit;
}

type Built = Pick<BuildResult, 'platforms' | 'layout' | 'builder' | 'imageId'>;
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
  plan: Pick<Plan, 'tags' | 'baseline'>,
  outputDir: string,
  pushes: boolean
): Promise<ScanResult> {
  const [reference, baseline] = [plan.tags[0], plan.baseline];
  const started = Date.now();
  const sarifPath = path.join(outputDir, 'trivy.sarif');
  // An SBOM describes what is published: by default only runs that push write one.
  const sbom = settings.sbom === 'true' || (settings.sbom === 'auto' && pushes);
  try {
    const result = await scan(
      { ...settings, sbom: sbom ? 'true' : 'false' },
      build,
      reference,
      outputDir,
      sarifPath,
      baseline
    );
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
      sizeGate: settings.maxSizeIncrease && {
        limit: settings.maxSizeIncrease.text,
        skipped: true,
        failed: false,
        detail: 'no sizes: the scan did not run'
      },
      durationMs: Date.now() - started
    };
  }
}

async function scan(
  settings: ScanSettings,
  build: Built,
  reference: string,
  outputDir: string,
  sarifPath: string,
  baseline: string | undefined
): Promise<Omit<ScanResult, 'durationMs'>> {
  await mkdir(outputDir, { recursive: true });
  const cacheDir = trivyCacheDir();
  const day = new Date().toISOString().slice(0, 10);
  const listAllPackages = settings.sbom === 'true';
  const scanner = await installTrivy(settings.trivyVersion, { trivyPath: settings.trivyPath || undefined });
  const exactHit = await restoreDbCache(cacheDir, day);
  try {
    const db = await updateDb(scanner.path, cacheDir, settings.trivyDbRepositories, settings.maxDbAgeMs);
    const dockerfileText = await readFile(settings.file, 'utf8');
    const scans: {
      target: ScanTarget;
      full: ParsedReport;
      json: string;
      jsonPath: string;
      sarifPath: string;
    }[] = [];
    let javaDb: ScanResult['javaDb'];
    const scanRemote = async (remote: string): Promise<ParsedReport> => {
      const { json } = await scanImage(scanner.path, {
        source: { remote },
        platform: build.platforms.length > 1 ? build.platforms[0] : undefined,
        output: path.join(outputDir, 'trivy-baseline.json'),
        cacheDir: await sharedDbCache(cacheDir),
        skipJavaDbUpdate: true,
        javaDbRepositories: settings.trivyJavaDbRepositories,
        maxDbAgeMs: settings.maxDbAgeMs,
        ignoreUnfixed: settings.ignoreUnfixed,
        ignoreFile: settings.trivyignore || undefined,
        timeoutMs: settings.scanTimeoutMs
      });
      return filterReport(parseTrivyReport(json), {
        severity: [...SEVERITIES],
        ignoreUnfixed: settings.ignoreUnfixed
      });
    };
    // Side by side with the image's own scans, on the same DB.
    const comparing = baseline ? compareWith(baseline, build.platforms[0] ?? '', scanRemote) : undefined;
    // One at a time: Trivy holds a lock on its cache directory while it scans.
    for (const target of scanTargets(build, reference, outputDir)) {
      const { save } = target;
      if (save) await dockerOk(['save', '--platform', save.platform, '--output', save.archive, save.image]);
      const jsonPath = path.join(outputDir, `trivy${suffix(target)}.json`);
      const scanned = await scanImage(scanner.path, {
        source: target.source,
        platform: target.platform || undefined,
        listAllPackages,
        output: jsonPath,
        cacheDir,
        javaDbRepositories: settings.trivyJavaDbRepositories,
        maxDbAgeMs: settings.maxDbAgeMs,
        ignoreUnfixed: settings.ignoreUnfixed,
        ignoreFile: settings.trivyignore || undefined,
        timeoutMs: settings.scanTimeoutMs
      });
      javaDb ??= scanned.javaDb;
      // Read before it is converted: an unreadable report is Trivy's failure, said as such.
      const full = parseTrivyReport(scanned.json);
      const platformSarif = path.join(outputDir, `trivy${suffix(target)}.sarif`);
      await convertToSarif(scanner.path, jsonPath, platformSarif);
      scans.push({
        target,
        full,
        json: scanned.json,
        jsonPath,
        sarifPath: platformSarif
      });
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
    );
    const gate = scanGate({ ...scans[0].full, findings: gated }, settings.failOn);
    const full = scans[0].full;
    const layerSources = Object.fromEntries(
      mapLayers(full.diffIds, full.history, parseDockerfile(dockerfileText), settings.target || undefined)
    );
    const compared = comparing && (await comparing);
    const sizes = scans.flatMap(
      s => scannedSize(s.target.platform || build.platforms[0] || '', s.full) ?? []
    );
    if (compared?.image) compared.result.baseChanged = baseChanged(layerSources, compared.image);
    const all = compared?.findings ? diffFindings(gated, compared.findings) : undefined;
    const fresh = all?.marked.filter(f => f.change === 'new') ?? [];
    const blocksAsNew = (f: { severity: Severity; change?: string }): boolean =>
      f.change === 'new' && atOrAbove(f.severity, settings.failOnNew);
    const newBlocking = fresh.filter(blocksAsNew).length;
    const findings = (compared?.findings ? diffFindings(shown, compared.findings).marked : shown).map(f => ({
      ...f,
      blocking: atOrAbove(f.severity, settings.failOn) || blocksAsNew(f)
    }));
    return {
      report: {
        ...full,
        findings,
        counts: countBySeverity(findings),
        fixable: findings.filter(f => f.fixed).length,
        layerSources
      },
      failed: gate.failed || newBlocking > 0,
      detail:
        newBlocking > 0
          ? `${gate.detail}; ${newBlocking} new finding(s) at or above ${settings.failOnNew} (fail-on-new)`
          : gate.detail,
      baseline: compared && {
        ...compared.result,
        ...(all && { fixed: all.fixed, newCount: fresh.length, unchanged: all.marked.length - fresh.length })
      },
      sizes,
      sizeGate: settings.maxSizeIncrease && sizeGate(settings.maxSizeIncrease, sizes, compared?.result),
      jsonPath: scans[0].jsonPath,
      sarifPath: scans.length > 1 ? sarifPath : scans[0].sarifPath,
      sbom: listAllPackages
        ? await writeSbom(
            parsePackages(scans.map(s => s.json)),
            {
              image: reference.slice(0, reference.lastIndexOf(':')),
              imageId: build.imageId,
              created: new Date(),
              toolVersion: SHIPSHAPE_VERSION,
              trivyVersion: scanner.version
            },
            settings.sbomFormat,
            outputDir
          )
        : undefined,
      scanner,
      db,
      javaDb
    };
  } finally {
    // Saved whatever the gate says, so the next run starts from today's DB.
    if (!exactHit) await saveDbCache(cacheDir, day);
  }
}

/** Writes the SBOM documents asked for, from the scan's package list. */
async function writeSbom(
  packages: SbomResult['packages'],
  subject: SbomSubject,
  formats: SbomFormat[],
  outputDir: string
): Promise<SbomResult> {
  const builders = { cyclonedx: cycloneDx, spdx };
  const names = { cyclonedx: 'sbom.cdx.json', spdx: 'sbom.spdx.json' };
  const files: SbomResult['files'] = {};
  for (const format of formats) {
    files[format] = path.join(outputDir, names[format]);
    await writeFile(files[format], JSON.stringify(builders[format](subject, packages), null, 2));
  }
  return { packages, counts: countByType(packages), files };
}

/**
 * A cache directory of its own for the baseline scan, sharing the main one's DBs: Trivy locks
 * its scan cache (fanal.db) while it scans, but opens the vulnerability DB read-only since
 * 0.68, so two scans can read it at once.
 */
async function sharedDbCache(cacheDir: string): Promise<string> {
  const dir = `${cacheDir}-baseline`;
  await mkdir(dir, { recursive: true });
  for (const db of ['db', 'java-db']) {
    await symlink(path.join(cacheDir, db), path.join(dir, db)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return dir;
}
