import * as core from '@actions/core';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lastLines, runProcess, type ProcessResult } from '../process.js';
import { retry } from '../retry.js';
import type { DbState } from '../results.js';
import { redact, redactDeep } from '../untrusted.js';
import { cachedDb, fallback } from './db.js';
import { plainHttp } from '../registry/reference.js';
import type { ScanSource } from './targets.js';

const RATE_LIMITED = /TOOMANYREQUESTS|429 Too Many Requests|\b429\b/i;
const ATTEMPTS = 3;

/** True when the DB in the cache dir was downloaded today (UTC): no update needed. */
export async function dbIsFresh(cacheDir: string, now = new Date()): Promise<boolean> {
  try {
    const meta = JSON.parse(await readFile(path.join(cacheDir, 'db', 'metadata.json'), 'utf8')) as {
      DownloadedAt?: string;
    };
    return (meta.DownloadedAt ?? '').slice(0, 10) === now.toISOString().slice(0, 10);
  } catch {
    return false;
  }
}

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
  o: TrivyScanOptions & { maxDbAgeMs: number }
): Promise<{ json: string; javaDb?: DbState }> {
  // Trivy gets its own --timeout; the hard limit behind it only catches a hung process.
  const hardLimit = o.timeoutMs + Math.min(30_000, o.timeoutMs);
  let result = await runProcess(bin, scanArgs(o), { timeoutMs: hardLimit });
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
    result = await runProcess(bin, scanArgs({ ...o, skipJavaDbUpdate: true }), { timeoutMs: hardLimit });
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
