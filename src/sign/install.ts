import * as core from '@actions/core';
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../process.js';
import { cachedTool, cacheTool, download, sha256 } from '../tools.js';

export const COSIGN_VERSION = '2.5.0';

/**
 * The SHA-256 of the cosign release binaries Shipshape pins (as several independent projects
 * pin them): the download is checked against these, not against a file from the same server.
 * Only linux/x64 is pinned; other runners give `cosign-path`.
 */
const PINNED: Record<string, string> = {
  'cosign-linux-amd64': '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188'
};

const RELEASES = 'https://github.com/sigstore/cosign/releases/download';

export function cosignAsset(platform: string, arch: string): string {
  const asset = `cosign-${platform}-${arch === 'x64' ? 'amd64' : arch}`;
  if (!PINNED[asset]) {
    throw new Error(
      `Shipshape pins no cosign for ${platform}/${arch}: install one (sigstore/cosign-installer) and set cosign-path`
    );
  }
  return asset;
}

/** The version a cosign binary reports, or undefined when it does not run. */
export async function cosignVersionOf(bin: string): Promise<string | undefined> {
  const result = await runProcess(bin, ['version'], { timeoutMs: 30000 }).catch(() => undefined);
  return result?.exitCode === 0
    ? /GitVersion:\s*v?(\S+)/.exec(result.stdout + result.stderr)?.[1]
    : undefined;
}

/**
 * The cosign to sign with: `cosign-path` as it is, else Shipshape's own copy from the tool
 * cache when unchanged, else the pinned release binary, checked against its SHA-256.
 */
export async function installCosign(
  cosignPath: string,
  releases = RELEASES
): Promise<{ path: string; version: string }> {
  if (cosignPath) {
    const version = await cosignVersionOf(cosignPath);
    if (!version) throw new Error(`cosign-path ${cosignPath} is not a cosign that runs`);
    return { path: cosignPath, version };
  }
  const cached = await cachedTool('cosign', COSIGN_VERSION, 'cosign');
  if (cached) return { path: cached.path, version: COSIGN_VERSION };
  const asset = cosignAsset(process.platform, process.arch);
  core.info(`Installing cosign ${COSIGN_VERSION} (${asset})`);
  const file = await download(`${releases}/v${COSIGN_VERSION}/${asset}`, 'cosign release');
  const actual = await sha256(file);
  if (actual !== PINNED[asset]) {
    throw new Error(
      `checksum mismatch for ${asset}: expected ${PINNED[asset]}, got ${actual}: refusing to run it`
    );
  }
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'cosign-'));
  await copyFile(file, path.join(dir, 'cosign'));
  await chmod(path.join(dir, 'cosign'), 0o755);
  return { path: await cacheTool(dir, 'cosign', COSIGN_VERSION, 'cosign'), version: COSIGN_VERSION };
}
