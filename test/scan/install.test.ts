import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { checksumFor, installTrivy, releaseAsset } from '../../src/scan/install.js';
import { serveFiles, type FileServer } from '../helpers/docker.js';

const VERSION = '9.9.9';
const ASSET = releaseAsset(VERSION, process.platform, process.arch);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let work: string;
let archive: Buffer;

async function release(files: Record<string, Buffer | string>): Promise<FileServer> {
  return serveFiles(
    new Map(Object.entries(files).map(([name, body]) => [`/v${VERSION}/${name}`, Buffer.from(body)]))
  );
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-install-'));
  const pkg = path.join(work, 'pkg');
  await mkdir(pkg);
  await writeFile(path.join(pkg, 'trivy'), `#!/bin/sh\necho "Version: ${VERSION}"\n`);
  await chmod(path.join(pkg, 'trivy'), 0o755);
  await writeFile(path.join(pkg, 'LICENSE'), 'Apache-2.0\n');
  await promisify(execFile)('tar', ['-czf', path.join(work, ASSET), '-C', pkg, 'trivy', 'LICENSE']);
  archive = await readFile(path.join(work, ASSET));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  // A fresh tool cache and temp dir per case, as on a new runner.
  const runner = await mkdtemp(path.join(work, 'runner-'));
  process.env.RUNNER_TOOL_CACHE = path.join(runner, 'tools');
  process.env.RUNNER_TEMP = path.join(runner, 'temp');
  process.env.PATH = '/usr/bin:/bin';
});

describe('installing Trivy from a (fake, local) release', () => {
  test('asset names follow the release', () => {
    expect(releaseAsset('0.74.0', 'linux', 'x64')).toBe('trivy_0.74.0_Linux-64bit.tar.gz');
    expect(releaseAsset('0.74.0', 'darwin', 'arm64')).toBe('trivy_0.74.0_macOS-ARM64.tar.gz');
    expect(() => releaseAsset('0.74.0', 'win32', 'x64')).toThrow('no release for win32/x64');
    expect(checksumFor(`${'a'.repeat(64)}  other.tar.gz\n${'B'.repeat(64)}  ${ASSET}\n`, ASSET)).toBe(
      'b'.repeat(64)
    );
  });

  test('good checksum: installed and cached; a second install does not download', async () => {
    const server = await release({
      [ASSET]: archive,
      [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n`
    });
    process.env.SHIPSHAPE_TRIVY_RELEASES_URL = server.url;
    try {
      const bin = await installTrivy(VERSION);
      expect(bin.startsWith(process.env.RUNNER_TOOL_CACHE ?? '')).toBe(true);
      expect(server.hits).toHaveLength(2);
      const again = await installTrivy(VERSION);
      expect(again).toBe(bin);
      expect(server.hits).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  test('checksum mismatch: refused', async () => {
    const server = await release({
      [ASSET]: archive,
      [`trivy_${VERSION}_checksums.txt`]: `${'0'.repeat(64)}  ${ASSET}\n`
    });
    process.env.SHIPSHAPE_TRIVY_RELEASES_URL = server.url;
    try {
      await expect(installTrivy(VERSION)).rejects.toThrow(/checksum mismatch .*refusing to run it/);
    } finally {
      await server.close();
    }
  });

  test('no checksum entry for the asset: refused', async () => {
    const server = await release({
      [ASSET]: archive,
      [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  trivy_${VERSION}_FreeBSD-64bit.tar.gz\n`
    });
    process.env.SHIPSHAPE_TRIVY_RELEASES_URL = server.url;
    try {
      await expect(installTrivy(VERSION)).rejects.toThrow(
        `has no entry for ${ASSET}: refusing to run an unverified Trivy`
      );
    } finally {
      await server.close();
    }
  });

  test('404: a clear download error', async () => {
    const server = await release({ [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n` });
    process.env.SHIPSHAPE_TRIVY_RELEASES_URL = server.url;
    try {
      await expect(installTrivy(VERSION)).rejects.toThrow(/cannot download the Trivy release from .*404/);
    } finally {
      await server.close();
    }
  });

  test('truncated archive whose checksum matches what was published: cannot be unpacked', async () => {
    const truncated = archive.subarray(0, Math.floor(archive.length / 2));
    const server = await release({
      [ASSET]: truncated,
      [`trivy_${VERSION}_checksums.txt`]: `${sha(truncated)}  ${ASSET}\n`
    });
    process.env.SHIPSHAPE_TRIVY_RELEASES_URL = server.url;
    try {
      await expect(installTrivy(VERSION)).rejects.toThrow(/cannot unpack|holds no working trivy/);
    } finally {
      await server.close();
    }
  });

  test('truncated download of a good release: checksum mismatch', async () => {
    const server = await release({
      [ASSET]: archive.subarray(0, archive.length - 100),
      [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n`
    });
    process.env.SHIPSHAPE_TRIVY_RELEASES_URL = server.url;
    try {
      await expect(installTrivy(VERSION)).rejects.toThrow(/checksum mismatch/);
    } finally {
      await server.close();
    }
  });

  test('a trivy of the wanted version on PATH is used as it is', async () => {
    const bin = path.join(work, 'pkg');
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    expect(await installTrivy(VERSION)).toBe(path.join(bin, 'trivy'));
  });
});
