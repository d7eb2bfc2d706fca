// The vulnerability DB and the Java DB in Trivy's cache directory, as Trivy keeps them:
// `<cache-dir>/db/{trivy.db,metadata.json}` and `<cache-dir>/java-db/{trivy-java.db,metadata.json}`.
// Downloads go to fake repositories whose failures the environment sets:
//   TRIVY_STANDIN_RATE_LIMITED   repositories that answer TOOMANYREQUESTS
//   TRIVY_STANDIN_DB_DOWN        repositories that refuse the connection
//   TRIVY_STANDIN_DB_UPDATED_AT  when a downloaded DB says it was built (default: now)
//   TRIVY_STANDIN_DB_DELAY_MS    how long a download takes (the bench models a hosted runner)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const list = name => (process.env[name] || '').split(',').filter(Boolean);
// The flags' defaults as Trivy 0.74's CLI reference prints them.
export const DEFAULT_DB_REPOSITORIES =
  'mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2'.split(',');
export const DEFAULT_JAVA_DB_REPOSITORIES =
  'mirror.gcr.io/aquasec/trivy-java-db:1,ghcr.io/aquasecurity/trivy-java-db:1'.split(',');

export class FatalError extends Error {}

export const cacheDirOf = flags => flags['cache-dir'] || path.join(os.homedir(), '.cache', 'trivy');

const KINDS = {
  db: { file: 'trivy.db', version: 2, what: 'vulnerability DB', skipFlag: '--skip-db-update' },
  'java-db': { file: 'trivy-java.db', version: 1, what: 'Java DB', skipFlag: '--skip-java-db-update' }
};

function metadataOf(cacheDir, kind) {
  const dir = path.join(cacheDir, kind);
  if (!existsSync(path.join(dir, KINDS[kind].file))) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** One download from the first repository that answers; every failure named. */
async function download(cacheDir, kind, repositories) {
  const failures = [];
  for (const repo of repositories) {
    await sleep(Number(process.env.TRIVY_STANDIN_DB_DELAY_MS || 0));
    const host = repo.split('/')[0];
    if (list('TRIVY_STANDIN_RATE_LIMITED').includes(repo)) {
      failures.push(
        `OCI repository error: 1 error occurred:\n\t* GET https://${host}/v2/: TOOMANYREQUESTS: retry-after: 1s`
      );
      continue;
    }
    if (list('TRIVY_STANDIN_DB_DOWN').includes(repo)) {
      failures.push(`${repo}: dial tcp: lookup ${host}: connection refused`);
      continue;
    }
    const dir = path.join(cacheDir, kind);
    mkdirSync(dir, { recursive: true });
    const now = new Date();
    const updated = process.env.TRIVY_STANDIN_DB_UPDATED_AT || now.toISOString();
    writeFileSync(path.join(dir, KINDS[kind].file), '');
    writeFileSync(
      path.join(dir, 'metadata.json'),
      JSON.stringify({
        Version: KINDS[kind].version,
        NextUpdate: new Date(Date.parse(updated) + 86400000).toISOString(),
        UpdatedAt: updated,
        DownloadedAt: now.toISOString()
      })
    );
    return;
  }
  const prefix =
    kind === 'db' ? 'DB error: failed to download vulnerability DB' : 'failed to download Java DB';
  throw new FatalError(`init error: ${prefix}: ${failures.join('\n')}`);
}

/**
 * What a scan (or `--download-db-only`) does with one DB: use the cached one when told to skip
 * the update (refusing when there is none, as Trivy does on a first run), else download it
 * unless the cached one is still current.
 */
export async function ensureDb(cacheDir, kind, { skip, repositories }) {
  const meta = metadataOf(cacheDir, kind);
  if (skip) {
    if (!meta)
      throw new FatalError(`init error: ${KINDS[kind].skipFlag} cannot be specified on the first run`);
    return;
  }
  if (meta && Date.parse(meta.NextUpdate) > Date.now()) return;
  await download(cacheDir, kind, repositories);
}
