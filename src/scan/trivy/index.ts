import { givenTool, installTool } from '../../tools/install.js';
import { TRIVY } from '../../tools/pins.js';
import type { ScannerInfo } from '../contract.js';
import type { ScanRequest, ScannedImage, ScannerAdapter, ScanSettings } from '../port.js';
import { restoreDbCache, saveDbCache, sharedDbCache, trivyCacheDir, updateDb } from './db.js';
import { parseTrivyReport } from './parse.js';
import { convertToSarif, scanImage } from './run.js';

/**
 * Trivy behind the scanner port: the verified release (or `trivy-path`), its DB brought up to
 * date from the restored cache, one `trivy image` per target, SARIF converted from its report.
 */
export const trivy: ScannerAdapter = {
  async prepare(settings) {
    const tool = settings.trivyPath
      ? await givenTool(TRIVY, settings.trivyPath, 'trivy-path')
      : await installTool(TRIVY, settings.trivyVersion);
    const info: ScannerInfo = {
      name: TRIVY.name,
      title: TRIVY.title,
      vendor: 'aquasecurity',
      path: tool.path,
      version: tool.version,
      origin: tool.origin === 'given' ? 'trivy-path' : tool.origin,
      verified: tool.verified
    };
    const cacheDir = trivyCacheDir();
    const day = new Date().toISOString().slice(0, 10);
    const exactHit = await restoreDbCache(cacheDir, day);
    // Saved whatever the scans find or fail, so the next run starts from today's DB.
    const finish = async (): Promise<void> => {
      if (!exactHit) await saveDbCache(cacheDir, day);
    };
    try {
      const db = await updateDb(info.path, cacheDir, settings.trivyDbRepositories, settings.maxDbAgeMs);
      return { info, db, scan: request => scanTarget(info.path, settings, cacheDir, request), finish };
    } catch (error) {
      await finish();
      throw error;
    }
  }
};

async function scanTarget(
  bin: string,
  settings: ScanSettings,
  cacheDir: string,
  request: ScanRequest
): Promise<ScannedImage> {
  const { source, platform } = request.target;
  const baseline = 'remote' in source;
  const { json, javaDb } = await scanImage(bin, {
    source,
    platform: platform || undefined,
    listAllPackages: request.listPackages,
    output: request.reportPath,
    // The baseline's scan runs beside the image's: the same DBs, a scan cache of its own.
    cacheDir: baseline ? await sharedDbCache(cacheDir) : cacheDir,
    skipJavaDbUpdate: baseline,
    javaDbRepositories: settings.trivyJavaDbRepositories,
    maxDbAgeMs: settings.maxDbAgeMs,
    ignoreUnfixed: settings.ignoreUnfixed,
    ignoreFile: settings.trivyignore || undefined,
    timeoutMs: settings.scanTimeoutMs,
    signal: request.signal
  });
  // Read before it is converted: an unreadable report is Trivy's failure, said as such.
  const parsed = parseTrivyReport(json);
  if (baseline) return { ...parsed, reportPath: request.reportPath, javaDb };
  const writeSarif = () => convertToSarif(bin, request.reportPath, request.sarifPath);
  return { ...parsed, reportPath: request.reportPath, sarifPath: request.sarifPath, writeSarif, javaDb };
}
