import * as core from '@actions/core';
import { readFile, writeFile } from 'node:fs/promises';
import { lastLines, runProcess, type ProcessResult } from '../../common/process.js';
import { redact, redactDeep } from '../../common/untrusted.js';
import { plainHttp } from '../../registry/reference.js';
import type { DbState } from '../contract.js';
import type { ScanSource } from '../targets.js';
import { cachedDb, fallback } from './db.js';

/** How Trivy is run on one target: its arguments, its failures, its report. */

export interface TrivyScanOptions {
  source: ScanSource;
  /** Where the Java DB comes from when the image holds Java archives (Trivy fetches it only then). */
  javaDbRepositories: string[];
  /** Scan with the cached Java DB without updating it. */
  skipJavaDbUpdate?: boolean;
  /** For a multi-platform image: which platform to read. */
  platform?: string;
  /** List every package, not only vulnerable ones: the SBOM comes from this same scan. */
  listAllPackages?: boolean;
  output: string;
  cacheDir: string;
  ignoreUnfixed: boolean;
  ignoreFile: string | undefined;
  timeoutMs: number;
}

/** The `trivy image` arguments for one scan of the built image (pure). */
export function scanArgs(o: TrivyScanOptions): string[] {
  // The image is local and unpushed: never let Trivy fetch it from a registry instead.
  const source =
    'image' in o.source
      ? ['--image-src', 'docker']
      : 'remote' in o.source
        ? ['--image-src', 'remote', ...(plainHttp(o.source.remote) ? ['--insecure'] : [])]
        : [];
  const args = [
    'image',
    ...source,
    '--scanners',
    'vuln',
    '--format',
    'json',
    '--output',
    o.output,
    '--exit-code',
    '0',
    '--skip-db-update',
    '--cache-dir',
    o.cacheDir,
    '--timeout',
    `${Math.ceil(o.timeoutMs / 1000)}s`,
    '--quiet'
  ];
  if (o.platform) args.push('--platform', o.platform);
  if (o.listAllPackages) args.push('--list-all-pkgs');
  if (o.javaDbRepositories.length > 0) args.push('--java-db-repository', o.javaDbRepositories.join(','));
  if (o.skipJavaDbUpdate) args.push('--skip-java-db-update');
  if (o.ignoreUnfixed) args.push('--ignore-unfixed');
  if (o.ignoreFile) args.push('--ignorefile', o.ignoreFile);
  if ('image' in o.source) args.push(o.source.image);
  else if ('remote' in o.source) args.push(o.source.remote);
  else args.push('--input', 'archive' in o.source ? o.source.archive : o.source.layout);
  return args;
}

function toolError(what: string, result: ProcessResult, timeoutMs: number): Error {
  if (result.timedOut)
    return new Error(`Trivy ${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
  return new Error(
    `Trivy ${what} failed (exit ${result.exitCode}):\n${lastLines(result.stderr || result.stdout, 8)}`
  );
}

const JAVA_DB_FAILED = /java[- ]?DB/i;

/**
 * Scans the local image once. A non-zero exit is a tool failure, never a finding. When the
 * image holds Java archives and the Java DB cannot be downloaded, the scan runs again with
 * the cached Java DB while it is younger than `maxDbAgeMs`.
 */
export async function scanImage(
  bin: string,
  o: TrivyScanOptions & { maxDbAgeMs: number; signal?: AbortSignal }
): Promise<{ json: string; javaDb?: DbState }> {
  // Trivy gets its own --timeout; the hard limit behind it only catches a hung process.
  const limits = { timeoutMs: o.timeoutMs + Math.min(30_000, o.timeoutMs), signal: o.signal };
  let result = await runProcess(bin, scanArgs(o), limits);
  let javaDb: DbState | undefined;
  const output = `${result.stderr}\n${result.stdout}`;
  if (result.exitCode !== 0 && !result.timedOut && JAVA_DB_FAILED.test(output)) {
    const decided = fallback(
      'Trivy Java DB',
      await cachedDb(o.cacheDir, 'java-db'),
      o.maxDbAgeMs,
      lastLines(output, 3)
    );
    if ('error' in decided) throw new Error(decided.error);
    core.warning(redact(decided.warning));
    javaDb = decided.state;
    result = await runProcess(bin, scanArgs({ ...o, skipJavaDbUpdate: true }), limits);
  }
  if (result.exitCode !== 0 || result.timedOut) throw toolError('scan', result, o.timeoutMs);
  let json: string;
  try {
    json = await readFile(o.output, 'utf8');
  } catch {
    throw new Error(`Trivy exited 0 but wrote no report at ${o.output}`);
  }
  // The report carries what the image holds, and stays where users upload it from: redacted
  // here, once, so nothing read or converted from it can carry a secret.
  const redacted = redactJsonText(json);
  await writeFile(o.output, redacted);
  return { json: redacted, javaDb };
}

/** JSON text with every string redacted; text that is not JSON, redacted as text. */
function redactJsonText(text: string): string {
  try {
    return JSON.stringify(redactDeep(JSON.parse(text) as unknown), null, 2);
  } catch {
    return redact(text);
  }
}

/** SARIF from the same (redacted) JSON report (`trivy convert`): no second scan. */
export async function convertToSarif(bin: string, report: string, output: string): Promise<void> {
  const result = await runProcess(bin, ['convert', '--format', 'sarif', '--output', output, report], {
    timeoutMs: 120_000
  });
  if (result.exitCode !== 0 || result.timedOut) throw toolError('convert', result, 120_000);
}
