import * as core from '@actions/core';
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../process.js';
import { cachedTool, cacheTool, download, sha256 } from '../tools.js';

export interface CosignPin {
  asset: string;
  version: string;
  sha256: string;
}

/**
 * The cosign release binary Shipshape installs on each runner platform, with the SHA-256 that
 * several independent projects pin for it: the download is checked against these, not against
 * a file from the same server. 2.5.0 is the version the e2e tests sign with (Debian 13's build);
 * no independent checksum of its linux-arm64 binary is published, so arm64 runners get 2.4.1,
 * whose linux binaries are widely pinned and which takes every flag Shipshape passes.
 */
const PINNED: Record<string, Omit<CosignPin, 'asset'>> = {
  'linux-x64': {
    version: '2.5.0',
    sha256: '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188'
  },
  'linux-arm64': {
    version: '2.4.1',
    sha256: '3b2e2e3854d0356c45fe6607047526ccd04742d20bd44afb5be91fa2a6e7cb4a'
  }
};

const RELEASES = 'https://github.com/sigstore/cosign/releases/download';

/** The pinned cosign for a Node platform/arch, e.g. cosign-linux-amd64 2.5.0. */
export function cosignPin(platform: string, arch: string): CosignPin {
  const pin = PINNED[`${platform}-${arch}`];
  if (!pin) {
    throw new Error(
      `Shipshape pins no cosign for ${platform}/${arch}: install one (sigstore/cosign-installer) and set cosign-path`
    );
  }
  return { asset: `cosign-${platform}-${arch === 'x64' ? 'amd64' : arch}`, ...pin };
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
  releases = RELEASES,
  runner: { platform: string; arch: string } = process
): Promise<{ path: string; version: string }> {
  if (cosignPath) {
    const version = await cosignVersionOf(cosignPath);
    if (!version) throw new Error(`cosign-path ${cosignPath} is not a cosign that runs`);
    return { path: cosignPath, version };
  }
  const { asset, version, sha256: pinned } = cosignPin(runner.platform, runner.arch);
  const cached = await cachedTool('cosign', version, 'cosign');
  if (cached) return { path: cached.path, version };
  core.info(`Installing cosign ${version} (${asset})`);
  const file = await download(`${releases}/v${version}/${asset}`, 'cosign release');
  const actual = await sha256(file);
  if (actual !== pinned) {
    throw new Error(`checksum mismatch for ${asset}: expected ${pinned}, got ${actual}: refusing to run it`);
  }
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'cosign-'));
  await copyFile(file, path.join(dir, 'cosign'));
  await chmod(path.join(dir, 'cosign'), 0o755);
  return { path: await cacheTool(dir, 'cosign', version, 'cosign'), version };
}
