import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runProcess } from '../process.js';
import type { Scanner } from '../results.js';
import { cachedTool, cacheTool, download, sha256 } from '../tools.js';
import { verifyRelease } from './signature.js';

const RELEASES = 'https://github.com/aquasecurity/trivy/releases/download';

/**
 * The SHA-256 of the release archives of the Trivy version Shipshape pins, as published with
 * the release: the archive is checked against these, not against a file from the same server.
 */
export const PINNED: Record<string, Record<string, string>> = {
  '0.74.0': {
    'trivy_0.74.0_Linux-64bit.tar.gz': '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a',
    'trivy_0.74.0_Linux-ARM64.tar.gz': 'b94ce1976bbf3c15b514b605ee88be7c6d94a29be2302847ff01cb794d47aad5',
    'trivy_0.74.0_macOS-64bit.tar.gz': '472816f6888dda689d075c30254d4210b4d1035acf365aa72332f584c2f60485',
    'trivy_0.74.0_macOS-ARM64.tar.gz': '1caada5e0e2091909357c7525d3aa76f4b660b13821bc143b190c7483e31cc11'
  }
};

/** Trivy's release asset for a Node platform/arch, e.g. trivy_0.74.0_Linux-64bit.tar.gz. */
export function releaseAsset(version: string, platform: string, arch: string): string {
  const os = { linux: 'Linux', darwin: 'macOS', freebsd: 'FreeBSD' }[platform];
  const cpu = { x64: '64bit', arm64: 'ARM64', arm: 'ARM', ppc64: 'PPC64LE', s390x: 's390x' }[arch];
  if (!os || !cpu) throw new Error(`Trivy publishes no release for ${platform}/${arch}`);
  return `trivy_${version}_${os}-${cpu}.tar.gz`;
}

/** The SHA-256 of one asset from a `sha256sum`-style checksums file. */
export function checksumFor(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const [hash, name] = line.trim().split(/\s+\*?/);
    if (name === asset && /^[0-9a-f]{64}$/i.test(hash ?? '')) return hash.toLowerCase();
  }
  return undefined;
}

/** The version a trivy binary reports, or undefined when it does not run. */
export async function trivyVersionOf(bin: string): Promise<string | undefined> {
  const result = await runProcess(bin, ['--version'], { timeoutMs: 30000 }).catch(() => undefined);
  return result && result.exitCode === 0 ? /Version:\s*v?(\S+)/.exec(result.stdout)?.[1] : undefined;
}

/** For a version Shipshape does not pin: the SHA-256 the release's checksums file gives the asset. */
async function publishedChecksum(base: string, version: string, asset: string): Promise<string> {
  const name = `trivy_${version}_checksums.txt`;
  const found = checksumFor(
    await readFile(await download(`${base}/v${version}/${name}`, 'Trivy checksums file'), 'utf8'),
    asset
  );
  if (!found) throw new Error(`${name} has no entry for ${asset}: refusing to run an unverified Trivy`);
  return found;
}

/** The copy in the tool cache, if Shipshape installed it there and it is unchanged since. */
async function fromToolCache(version: string): Promise<Scanner | undefined> {
  const cached = await cachedTool('trivy', version, 'trivy');
  return (
    cached && {
      path: cached.path,
      version,
      origin: 'tool-cache',
      verified: [`unchanged since Shipshape installed and verified it (binary sha256 ${cached.sha256})`]
    }
  );
}

/**
 * Returns the Trivy to run: the `trivy-path` binary as it is, else Shipshape's own verified
 * copy from the tool cache, else the release archive, checked against its pinned SHA-256 (the
 * release's checksums file for a version Shipshape does not pin) and, where cosign is on the
 * runner, against its sigstore signature. A `trivy` that merely sits on PATH is not used.
 */
export async function installTrivy(
  version: string,
  options: { trivyPath?: string; releases?: string } = {}
): Promise<Scanner> {
  if (options.trivyPath) {
    const reported = await trivyVersionOf(options.trivyPath);
    if (!reported) throw new Error(`trivy-path ${options.trivyPath} is not a Trivy that runs`);
    return { path: options.trivyPath, version: reported, origin: 'trivy-path', verified: [] };
  }
  const cached = await fromToolCache(version);
  if (cached) return cached;

  const base = (options.releases ?? RELEASES).replace(/\/+$/, '');
  const asset = releaseAsset(version, process.platform, process.arch);
  core.info(`Installing Trivy ${version} (${asset})`);
  const archive = await download(`${base}/v${version}/${asset}`, 'Trivy release');
  const pinned = PINNED[version]?.[asset];
  const expected = pinned ?? (await publishedChecksum(base, version, asset));
  const verified = [
    `archive sha256 ${expected}, ${pinned ? 'pinned in Shipshape' : "from the release's checksums file"}`
  ];
  const actual = await sha256(archive);
  if (actual !== expected) {
    throw new Error(
      `checksum mismatch for ${asset}: expected ${expected}, got ${actual}: refusing to run it`
    );
  }
  verified.push(await verifyRelease(archive, asset, version, `${base}/v${version}/${asset}.sigstore.json`));
  let dir: string;
  try {
    dir = await tc.extractTar(archive);
  } catch (error) {
    throw new Error(`cannot unpack ${asset}: ${(error as Error).message}`);
  }
  const bin = path.join(dir, 'trivy');
  if ((await trivyVersionOf(bin)) === undefined) throw new Error(`${asset} holds no working trivy binary`);
  return { path: await cacheTool(dir, 'trivy', version, 'trivy'), version, origin: 'download', verified };
}
