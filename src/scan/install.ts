import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runProcess } from '../process.js';

const RELEASES = 'https://github.com/aquasecurity/trivy/releases/download';

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

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The version a trivy binary reports, or undefined when it does not run. */
export async function trivyVersionOf(bin: string): Promise<string | undefined> {
  const result = await runProcess(bin, ['--version'], { timeoutMs: 30000 }).catch(() => undefined);
  return result && result.exitCode === 0 ? /Version:\s*v?(\S+)/.exec(result.stdout)?.[1] : undefined;
}

async function onPath(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'trivy');
    if (
      await access(candidate).then(
        () => true,
        () => false
      )
    )
      return candidate;
  }
  return undefined;
}

async function download(url: string, what: string): Promise<string> {
  try {
    return await tc.downloadTool(url);
  } catch (error) {
    throw new Error(`cannot download the Trivy ${what} from ${url}: ${(error as Error).message}`);
  }
}

/**
 * Returns a trivy binary of the wanted version: the one on PATH when it matches, else the tool
 * cache's, else the release archive, verified against the release's checksums file.
 */
export async function installTrivy(version: string): Promise<string> {
  const existing = await onPath();
  if (existing && (await trivyVersionOf(existing)) === version) return existing;
  const cached = tc.find('trivy', version);
  if (cached) return path.join(cached, 'trivy');

  const base = (process.env.SHIPSHAPE_TRIVY_RELEASES_URL || RELEASES).replace(/\/+$/, '');
  const asset = releaseAsset(version, process.platform, process.arch);
  const checksumsName = `trivy_${version}_checksums.txt`;
  core.info(`Installing Trivy ${version} (${asset})`);
  const [archive, checksums] = await Promise.all([
    download(`${base}/v${version}/${asset}`, 'release'),
    download(`${base}/v${version}/${checksumsName}`, 'checksums file')
  ]);
  const expected = checksumFor(await readFile(checksums, 'utf8'), asset);
  if (!expected)
    throw new Error(`${checksumsName} has no entry for ${asset}: refusing to run an unverified Trivy`);
  const actual = await sha256(archive);
  if (actual !== expected) {
    throw new Error(
      `checksum mismatch for ${asset}: expected ${expected}, got ${actual}: refusing to run it`
    );
  }
  let dir: string;
  try {
    dir = await tc.extractTar(archive);
  } catch (error) {
    throw new Error(`cannot unpack ${asset}: ${(error as Error).message}`);
  }
  const bin = path.join(dir, 'trivy');
  if ((await trivyVersionOf(bin)) === undefined) throw new Error(`${asset} holds no working trivy binary`);
  const cachedDir = await tc.cacheDir(dir, 'trivy', version);
  return path.join(cachedDir, 'trivy');
}
