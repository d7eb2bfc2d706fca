import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../common/process.js';
import type { ToolSpec } from './pins.js';
import { verifyRelease } from './signature.js';

/**
 * The one installer of the tools Shipshape runs (ToolSpec entries): download, check against
 * the pinned SHA-256, keep the checked asset in the runner's tool cache. Every use checks the
 * cached asset again and runs a binary that comes from it: an archive is unpacked afresh into
 * this run's temp dir, a binary asset runs as the bytes just checked. Nothing beside the tool
 * (no marker file) is trusted.
 */

export interface InstalledTool {
  path: string;
  version: string;
  origin: 'tool-cache' | 'download' | 'given';
  /** What was checked, for the report. */
  verified: string[];
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function download(url: string, what: string): Promise<string> {
  try {
    return await tc.downloadTool(url);
  } catch (error) {
    throw new Error(`cannot download the ${what} from ${url}: ${(error as Error).message}`);
  }
}

/** The SHA-256 of one asset from a `sha256sum`-style checksums file (pure). */
export function checksumFor(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const [hash, name] = line.trim().split(/\s+\*?/);
    if (name === asset && /^[0-9a-f]{64}$/i.test(hash ?? '')) return hash.toLowerCase();
  }
  return undefined;
}

/** The version a binary reports, or undefined when it does not run. */
export async function versionOf(spec: ToolSpec, bin: string): Promise<string | undefined> {
  const result = await runProcess(bin, spec.versionArgs, { timeoutMs: 30_000 }).catch(() => undefined);
  return result?.exitCode === 0 ? spec.versionPattern.exec(result.stdout + result.stderr)?.[1] : undefined;
}

/** A binary the user named (`trivy-path`, `cosign-path`): run as it is, unverified. */
export async function givenTool(spec: ToolSpec, bin: string, input: string): Promise<InstalledTool> {
  const version = await versionOf(spec, bin);
  if (!version) throw new Error(`${input} ${bin} is not a ${spec.name} that runs`);
  return { path: bin, version, origin: 'given', verified: [] };
}

/** The asset's expected SHA-256: pinned here, or for another version the release's checksums file. */
async function expectedHash(spec: ToolSpec, base: string, version: string, asset: string) {
  const pinned = spec.pins[version]?.[asset];
  if (pinned) return { hash: pinned, source: 'pinned in Shipshape' };
  const file = spec.checksums?.(version);
  if (!file) throw new Error(`Shipshape pins no ${spec.title} ${version}: refusing to run an unverified one`);
  const found = checksumFor(
    await readFile(await download(`${base}/v${version}/${file}`, `${spec.title} checksums file`), 'utf8'),
    asset
  );
  if (!found)
    throw new Error(`${file} has no entry for ${asset}: refusing to run an unverified ${spec.title}`);
  return { hash: found, source: "from the release's checksums file" };
}

/** The runnable binary from a checked asset: the asset itself, or unpacked from it for this run. */
async function binaryFrom(spec: ToolSpec, asset: string, kind: 'binary' | 'tar.gz', name: string) {
  if (kind === 'binary') {
    await chmod(asset, 0o755);
    return asset;
  }
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), `${spec.name}-`));
  const tar = await runProcess('tar', ['-xzf', asset, '-C', dir, spec.binary]);
  if (tar.exitCode !== 0) throw new Error(`cannot unpack ${name}: ${tar.stderr.trim()}`);
  return path.join(dir, spec.binary);
}

/**
 * The tool at `version` for this runner: from the tool cache when the asset there is still the
 * one expected, else downloaded, checked (hash, then the release's signature where it has one)
 * and cached. Either way the binary run comes from the asset just checked.
 */
export async function installTool(
  spec: ToolSpec,
  version: string,
  options: { releases?: string; runner?: { platform: string; arch: string } } = {}
): Promise<InstalledTool> {
  // The version is part of the download URL: only a plain release number may reach it.
  if (!/^\d{1,4}\.\d{1,4}\.\d{1,4}(-[0-9A-Za-z.-]{1,32})?$/.test(version))
    throw new Error(`${spec.title} ${version} is not a release version`);
  const runner = options.runner ?? process;
  const base = (options.releases ?? spec.releases).replace(/\/$/, '');
  const asset = spec.asset(version, runner.platform, runner.arch);
  const expected = await expectedHash(spec, base, version, asset.name);
  const verified = [`${asset.name} sha256 ${expected.hash}, ${expected.source}`];
  const cachedDir = tc.find(spec.name, version, runner.arch);
  const cached = cachedDir && path.join(cachedDir, asset.name);
  let file: string;
  let origin: InstalledTool['origin'];
  if (cached && (await sha256(cached).catch(() => '')) === expected.hash) {
    [file, origin] = [cached, 'tool-cache'];
    verified.push('checked again in the tool cache');
  } else {
    if (cachedDir)
      core.warning(
        `The ${spec.title} ${version} in the tool cache is not the release pinned for it: downloading it again`
      );
    core.info(`Installing ${spec.title} ${version} (${asset.name})`);
    const url = `${base}/v${version}/${asset.name}`;
    const downloaded = await download(url, `${spec.title} release`);
    const actual = await sha256(downloaded);
    if (actual !== expected.hash) {
      throw new Error(
        `checksum mismatch for ${asset.name}: expected ${expected.hash}, got ${actual}: refusing to run it`
      );
    }
    if (spec.signer)
      verified.push(
        await verifyRelease(downloaded, asset.name, version, url, { title: spec.title, signer: spec.signer })
      );
    const dir = await tc.cacheFile(downloaded, asset.name, spec.name, version, runner.arch);
    [file, origin] = [path.join(dir, asset.name), 'download'];
  }
  const bin = await binaryFrom(spec, file, asset.kind, asset.name);
  if ((await versionOf(spec, bin)) === undefined)
    throw new Error(`${asset.name} holds no working ${spec.name} binary`);
  if (asset.kind === 'tar.gz') verified.push('binary unpacked from it for this run');
  return { path: bin, version, origin, verified };
}
