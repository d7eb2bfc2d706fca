import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { lastLines, runProcess, type ProcessResult } from '../process.js';
import { retry } from '../retry.js';
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
 * with bounded exponential backoff before moving on.
 */
export async function updateDb(bin: string, cacheDir: string, repositories: string[]): Promise<void> {
  if (await dbIsFresh(cacheDir)) {
    core.info('Trivy DB downloaded today is in the cache: no update');
    return;
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
      return await retry(download, {
        attempts: ATTEMPTS,
        retryable: error => RATE_LIMITED.test((error as Error).message),
        onRetry: (_error, delay, next) =>
          core.info(
            `Trivy DB at ${repository} is rate-limited; retrying in ${delay} ms (attempt ${next}/${ATTEMPTS})`
          )
      });
    } catch (error) {
      failures.push(`${repository}: ${lastLines((error as Error).message, 3)}`);
    }
  }
  throw new Error(`cannot download the Trivy vulnerability DB from any repository:\n${failures.join('\n')}`);
}

export interface TrivyScanOptions {
  source: ScanSource;
  /** For a multi-platform image: which platform to read. */
  platform?: string;
  output: string;
  cacheDir: string;
  ignoreUnfixed: boolean;
  ignoreFile: string | undefined;
  timeoutMs: number;
}

/** The `trivy image` arguments for one scan of the built image (pure). */
export function scanArgs(o: TrivyScanOptions): string[] {
  // The image is local and unpushed: never let Trivy fetch it from a registry instead.
  const source = 'image' in o.source ? ['--image-src', 'docker'] : [];
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
  if (o.ignoreUnfixed) args.push('--ignore-unfixed');
  if (o.ignoreFile) args.push('--ignorefile', o.ignoreFile);
  if ('image' in o.source) args.push(o.source.image);
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

/** Scans the local image once. A non-zero exit is a tool failure, never a finding. */
export async function scanImage(bin: string, o: TrivyScanOptions): Promise<string> {
  // Trivy gets its own --timeout; the hard limit behind it only catches a hung process.
  const hardLimit = o.timeoutMs + Math.min(30_000, o.timeoutMs);
  const result = await runProcess(bin, scanArgs(o), { timeoutMs: hardLimit });
  if (result.exitCode !== 0 || result.timedOut) throw toolError('scan', result, o.timeoutMs);
  try {
    return await readFile(o.output, 'utf8');
  } catch {
    throw new Error(`Trivy exited 0 but wrote no report at ${o.output}`);
  }
}

/** SARIF from the same JSON report (`trivy convert`): no second scan. */
export async function convertToSarif(bin: string, report: string, output: string): Promise<void> {
  const result = await runProcess(bin, ['convert', '--format', 'sarif', '--output', output, report], {
    timeoutMs: 120_000
  });
  if (result.exitCode !== 0 || result.timedOut) throw toolError('convert', result, 120_000);
}
