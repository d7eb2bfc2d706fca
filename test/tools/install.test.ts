import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { checksumFor, givenTool, installTool } from '../../src/tools/install.js';
import { TRIVY } from '../../src/tools/pins.js';
import { serveFiles, type FileServer } from '../helpers/docker.js';

const VERSION = '9.9.9';
const releaseAsset = (version: string, platform: string, arch: string) =>
  TRIVY.asset(version, platform, arch).name;
const ASSET = releaseAsset(VERSION, process.platform, process.arch);
const PINNED = TRIVY.pins;
/** Trivy through the one installer: `trivy-path` as it is, else the release. */
const installTrivy = (version: string, o: { releases?: string; trivyPath?: string }) =>
  o.trivyPath
    ? givenTool(TRIVY, o.trivyPath, 'trivy-path')
    : installTool(TRIVY, version, { releases: o.releases });
/** The asset as the tool cache keeps it. */
const cachedAsset = (version: string) =>
  path.join(
    process.env.RUNNER_TOOL_CACHE ?? '',
    'trivy',
    version,
    process.arch,
    releaseAsset(version, process.platform, process.arch)
  );
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let work: string;

/** A release archive holding a `trivy` that prints `version`. */
async function fakeArchive(version: string): Promise<Buffer> {
  const pkg = await mkdtemp(path.join(work, 'pkg-'));
  await writeFile(path.join(pkg, 'trivy'), `#!/bin/sh\necho "Version: ${version}"\n`);
  await chmod(path.join(pkg, 'trivy'), 0o755);
  await writeFile(path.join(pkg, 'LICENSE'), 'Apache-2.0\n');
  const file = path.join(pkg, 'archive.tar.gz');
  await promisify(execFile)('tar', ['-czf', file, '-C', pkg, 'trivy', 'LICENSE']);
  return readFile(file);
}
let archive: Buffer;

/** A release server: each file under /v<version>/. */
async function release(files: Record<string, Buffer | string>, version = VERSION): Promise<FileServer> {
  return serveFiles(
    new Map(Object.entries(files).map(([name, body]) => [`/v${version}/${name}`, Buffer.from(body)]))
  );
}
const good = (): Promise<FileServer> =>
  release({ [ASSET]: archive, [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n` });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-install-'));
  archive = await fakeArchive(VERSION);
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

/** Runs `fn` with the release server up, and closes it. */
async function withServer<T>(server: FileServer, fn: (releases: string) => Promise<T>): Promise<T> {
  try {
    return await fn(server.url);
  } finally {
    await server.close();
  }
}

describe('installing Trivy from a (fake, local) release', () => {
  test('asset names follow the release', () => {
    expect(releaseAsset('0.74.0', 'linux', 'x64')).toBe('trivy_0.74.0_Linux-64bit.tar.gz');
    expect(releaseAsset('0.74.0', 'darwin', 'arm64')).toBe('trivy_0.74.0_macOS-ARM64.tar.gz');
    expect(() => releaseAsset('0.74.0', 'win32', 'x64')).toThrow('no release for win32/x64');
    expect(checksumFor(`${'a'.repeat(64)}  other.tar.gz\n${'B'.repeat(64)}  ${ASSET}\n`, ASSET)).toBe(
      'b'.repeat(64)
    );
  });

  test('good checksum: the archive cached, its binary unpacked for this run; a second use does not download it', async () => {
    const server = await good();
    await withServer(server, async releases => {
      const bin = await installTrivy(VERSION, { releases });
      expect(bin).toMatchObject({ origin: 'download', version: VERSION });
      expect(bin.path.startsWith(process.env.RUNNER_TEMP ?? '')).toBe(true);
      expect(sha(await readFile(cachedAsset(VERSION)))).toBe(sha(archive));
      expect(bin.verified[0]).toBe(`${ASSET} sha256 ${sha(archive)}, from the release's checksums file`);
      expect(server.hits).toEqual([`/v${VERSION}/trivy_${VERSION}_checksums.txt`, `/v${VERSION}/${ASSET}`]);
      const again = await installTrivy(VERSION, { releases });
      expect(again).toMatchObject({ origin: 'tool-cache' });
      expect(again.path).not.toBe(bin.path);
      expect(again.verified).toContain('checked again in the tool cache');
      // The checksums file again, to check the cached archive against; the archive itself not.
      expect(server.hits.filter(h => h.endsWith(ASSET))).toHaveLength(1);
    });
  });

  test('the pinned version is checked against the hashes in the code, not a file from the same server', async () => {
    const version = '0.74.0';
    const asset = releaseAsset(version, process.platform, process.arch);
    const impostor = await fakeArchive(version);
    const server = await release(
      { [asset]: impostor, [`trivy_${version}_checksums.txt`]: `${sha(impostor)}  ${asset}\n` },
      version
    );
    await withServer(server, releases =>
      expect(installTrivy(version, { releases })).rejects.toThrow(
        `checksum mismatch for ${asset}: expected ${PINNED[version][asset]}, got ${sha(impostor)}: refusing to run it`
      )
    );
  });

  test('checksum mismatch: refused', async () => {
    const server = await release({
      [ASSET]: archive,
      [`trivy_${VERSION}_checksums.txt`]: `${'0'.repeat(64)}  ${ASSET}\n`
    });
    await withServer(server, releases =>
      expect(installTrivy(VERSION, { releases })).rejects.toThrow(/checksum mismatch .*refusing to run it/)
    );
  });

  test('no checksum entry for the asset: refused', async () => {
    const server = await release({
      [ASSET]: archive,
      [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  trivy_${VERSION}_FreeBSD-64bit.tar.gz\n`
    });
    await withServer(server, releases =>
      expect(installTrivy(VERSION, { releases })).rejects.toThrow(
        `has no entry for ${ASSET}: refusing to run an unverified Trivy`
      )
    );
  });

  test('404: a clear download error', async () => {
    const server = await release({ [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n` });
    await withServer(server, releases =>
      expect(installTrivy(VERSION, { releases })).rejects.toThrow(
        /cannot download the Trivy release from .*404/
      )
    );
  });

  test('truncated archive whose checksum matches what was published: cannot be unpacked', async () => {
    const truncated = archive.subarray(0, Math.floor(archive.length / 2));
    const server = await release({
      [ASSET]: truncated,
      [`trivy_${VERSION}_checksums.txt`]: `${sha(truncated)}  ${ASSET}\n`
    });
    await withServer(server, releases =>
      expect(installTrivy(VERSION, { releases })).rejects.toThrow(/cannot unpack|holds no working trivy/)
    );
  });

  test('truncated download of a good release: checksum mismatch', async () => {
    const server = await release({
      [ASSET]: archive.subarray(0, archive.length - 100),
      [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n`
    });
    await withServer(server, releases =>
      expect(installTrivy(VERSION, { releases })).rejects.toThrow(/checksum mismatch/)
    );
  });
});

describe('which Trivy runs', () => {
  test('a trivy on PATH that prints the right version is not used: the verified release is', async () => {
    const onPath = await mkdtemp(path.join(work, 'path-'));
    await writeFile(path.join(onPath, 'trivy'), `#!/bin/sh\necho "Version: ${VERSION}"\n`);
    await chmod(path.join(onPath, 'trivy'), 0o755);
    process.env.PATH = `${onPath}:/usr/bin:/bin`;
    const server = await good();
    const bin = await withServer(server, releases => installTrivy(VERSION, { releases }));
    expect(bin.origin).toBe('download');
    expect(bin.path.startsWith(onPath)).toBe(false);
  });

  test('trivy-path is used as it is, and said to be unverified', async () => {
    const given = path.join(await mkdtemp(path.join(work, 'given-')), 'trivy');
    await writeFile(given, '#!/bin/sh\necho "Version: 0.70.1"\n');
    await chmod(given, 0o755);
    expect(await installTrivy(VERSION, { trivyPath: given })).toEqual({
      path: given,
      version: '0.70.1',
      origin: 'given',
      verified: []
    });
  });

  test('a tool-cache archive that changed since Shipshape checked it is downloaded again', async () => {
    const server = await good();
    await withServer(server, async releases => {
      await installTrivy(VERSION, { releases });
      await appendFile(cachedAsset(VERSION), 'tampered');
      const second = await installTrivy(VERSION, { releases });
      expect(second.origin).toBe('download');
      expect(server.hits.filter(h => h.endsWith(ASSET))).toHaveLength(2);
      expect(sha(await readFile(cachedAsset(VERSION)))).toBe(sha(archive));
    });
  });

  test('a binary changed after it was unpacked never runs again: each use unpacks it from the checked archive', async () => {
    const server = await good();
    await withServer(server, async releases => {
      const first = await installTrivy(VERSION, { releases });
      await appendFile(first.path, 'echo tampered\n');
      const second = await installTrivy(VERSION, { releases });
      expect(second.origin).toBe('tool-cache');
      expect(await readFile(second.path, 'utf8')).not.toContain('tampered');
    });
  });

  test('a marker or binary planted beside a tool in the tool cache is not trusted', async () => {
    // What an attacker who can write to the tool cache leaves: a trivy and its "verified" hash.
    const dir = path.join(process.env.RUNNER_TOOL_CACHE ?? '', 'trivy', VERSION, process.arch);
    await mkdir(dir, { recursive: true });
    const planted = Buffer.from('#!/bin/sh\necho "Version: 9.9.9"\necho planted\n');
    await writeFile(path.join(dir, 'trivy'), planted, { mode: 0o755 });
    await writeFile(path.join(dir, '.shipshape-sha256'), sha(planted));
    await writeFile(`${dir}.complete`, '');
    const server = await good();
    const bin = await withServer(server, releases => installTrivy(VERSION, { releases }));
    expect(bin.origin).toBe('download');
    expect(await readFile(bin.path, 'utf8')).not.toContain('planted');
  });
});

describe('the release signature, where the runner has cosign', () => {
  /** A cosign that answers `verify-blob` / `verify-blob-attestation` as told, recording its arguments. */
  async function fakeCosign(answers: Record<string, { code: number; output: string }>): Promise<string> {
    const dir = await mkdtemp(path.join(work, 'cosign-'));
    const cases = Object.entries(answers)
      .map(([cmd, a]) => `  ${cmd}) echo '${a.output}' >&2; exit ${a.code} ;;`)
      .join('\n');
    await writeFile(
      path.join(dir, 'cosign'),
      `#!/bin/sh\necho "$@" >> ${dir}/calls\ncase "$1" in\n  version) echo 'GitVersion:    v2.5.0'; exit 0 ;;\n${cases}\nesac\nexit 1\n`
    );
    await chmod(path.join(dir, 'cosign'), 0o755);
    process.env.PATH = `${dir}:/usr/bin:/bin`;
    return dir;
  }
  const signed = () =>
    release({
      [ASSET]: archive,
      [`trivy_${VERSION}_checksums.txt`]: `${sha(archive)}  ${ASSET}\n`,
      [`${ASSET}.sigstore.json`]: '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'
    });

  test("verified against Trivy's release workflow identity", async () => {
    const dir = await fakeCosign({ 'verify-blob': { code: 0, output: 'Verified OK' } });
    const bin = await withServer(await signed(), releases => installTrivy(VERSION, { releases }));
    expect(bin.verified).toContain(
      "sigstore signature of Trivy's release workflow, checked with cosign verify-blob"
    );
    const [call] = (await readFile(path.join(dir, 'calls'), 'utf8'))
      .split('\n')
      .filter(l => l.startsWith('verify'));
    expect(call).toContain(
      '--certificate-oidc-issuer https://token.actions.githubusercontent.com --certificate-identity https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v9.9.9 --new-bundle-format'
    );
  });

  test('an attestation bundle verifies with verify-blob-attestation', async () => {
    await fakeCosign({
      'verify-blob': { code: 1, output: 'Error: bundle does not contain a message signature' },
      'verify-blob-attestation': { code: 0, output: 'Verified OK' }
    });
    const bin = await withServer(await signed(), releases => installTrivy(VERSION, { releases }));
    expect(bin.verified).toContain(
      "sigstore signature of Trivy's release workflow, checked with cosign verify-blob-attestation"
    );
  });

  test('a signature that does not verify refuses the release', async () => {
    const none = {
      code: 1,
      output: 'Error: none of the expected identities matched what was in the certificate'
    };
    await fakeCosign({ 'verify-blob': none, 'verify-blob-attestation': none });
    await withServer(await signed(), releases =>
      expect(installTrivy(VERSION, { releases })).rejects.toThrow(
        `the sigstore signature of ${ASSET} does not verify: refusing to run it`
      )
    );
  });

  test('Sigstore out of reach: installed, and said to be unchecked', async () => {
    const offline = {
      code: 1,
      output:
        'Error: Get "https://tuf-repo-cdn.sigstore.dev/": dial tcp: lookup tuf-repo-cdn.sigstore.dev: no such host'
    };
    await fakeCosign({ 'verify-blob': offline, 'verify-blob-attestation': offline });
    const bin = await withServer(await signed(), releases => installTrivy(VERSION, { releases }));
    expect(bin.verified[1]).toMatch(/^signature not checked: cosign could not reach Sigstore/);
  });

  test('no cosign on the runner: said so', async () => {
    const bin = await withServer(await signed(), releases => installTrivy(VERSION, { releases }));
    expect(bin.verified[1]).toBe('signature not checked: no cosign on this runner');
  });
});
