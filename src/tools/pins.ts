import { ociArch } from '../common/oci-layout.js';

/**
 * The tools Shipshape downloads itself, as data: where each release lives, which asset a runner
 * gets, and the SHA-256 of every asset of the versions Shipshape pins. The installer checks an
 * asset against these (never against a file from the same server) each time the tool is used.
 */

export interface ToolAsset {
  name: string;
  /** The asset is the binary itself, or a `.tar.gz` holding it. */
  kind: 'binary' | 'tar.gz';
}

/** Who signs a tool's releases with Sigstore, where it does. */
export interface ReleaseSigner {
  issuer: string;
  identity: (version: string) => string;
  /** The bundle published beside an asset. */
  bundle: (assetUrl: string) => string;
}

export interface ToolSpec {
  name: string;
  /** As people write it: `Trivy`, `cosign`. */
  title: string;
  /** The binary's file name. */
  binary: string;
  releases: string;
  /** The asset for a runner (Node's platform and arch names) and version; throws where none is published. */
  asset: (version: string, platform: string, arch: string) => ToolAsset;
  /** The version Shipshape installs on a runner when none is asked for. */
  defaultVersion: (platform: string, arch: string) => string;
  /** Pinned: version → asset name → SHA-256. */
  pins: Record<string, Record<string, string>>;
  /** For a version Shipshape does not pin, the release's own checksums file, if it publishes one. */
  checksums?: (version: string) => string;
  signer?: ReleaseSigner;
  /** How a binary of it says its version: the arguments, and the pattern its output matches. */
  versionArgs: string[];
  versionPattern: RegExp;
}

const GITHUB_OIDC = 'https://token.actions.githubusercontent.com';

export const TRIVY: ToolSpec = {
  name: 'trivy',
  title: 'Trivy',
  binary: 'trivy',
  releases: 'https://github.com/aquasecurity/trivy/releases/download',
  asset: (version, platform, arch) => {
    const os = { linux: 'Linux', darwin: 'macOS', freebsd: 'FreeBSD' }[platform];
    const cpu = { x64: '64bit', arm64: 'ARM64', arm: 'ARM', ppc64: 'PPC64LE', s390x: 's390x' }[arch];
    if (!os || !cpu) throw new Error(`Trivy publishes no release for ${platform}/${arch}`);
    return { name: `trivy_${version}_${os}-${cpu}.tar.gz`, kind: 'tar.gz' };
  },
  defaultVersion: () => '0.74.0',
  // As published with the release (trivy_0.74.0_checksums.txt) and pinned by several projects.
  pins: {
    '0.74.0': {
      'trivy_0.74.0_Linux-64bit.tar.gz': '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a',
      'trivy_0.74.0_Linux-ARM64.tar.gz': 'b94ce1976bbf3c15b514b605ee88be7c6d94a29be2302847ff01cb794d47aad5',
      'trivy_0.74.0_macOS-64bit.tar.gz': '472816f6888dda689d075c30254d4210b4d1035acf365aa72332f584c2f60485',
      'trivy_0.74.0_macOS-ARM64.tar.gz': '1caada5e0e2091909357c7525d3aa76f4b660b13821bc143b190c7483e31cc11'
    }
  },
  checksums: version => `trivy_${version}_checksums.txt`,
  signer: {
    issuer: GITHUB_OIDC,
    identity: version =>
      `https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v${version}`,
    bundle: url => `${url}.sigstore.json`
  },
  versionArgs: ['--version'],
  versionPattern: /Version:\s*v?(\S+)/
};

/**
 * cosign's release binaries, with the SHA-256 several independent projects pin for them. 2.5.0 is
 * the version the e2e tests sign with (Debian 13's build); no independent checksum of its
 * linux-arm64 binary is published, so arm64 runners get 2.4.1, whose binaries are widely pinned
 * and which takes every flag Shipshape passes.
 */
const COSIGN_DEFAULTS: Record<string, string> = { 'linux-x64': '2.5.0', 'linux-arm64': '2.4.1' };

export const COSIGN: ToolSpec = {
  name: 'cosign',
  title: 'cosign',
  binary: 'cosign',
  releases: 'https://github.com/sigstore/cosign/releases/download',
  asset: (_version, platform, arch) => {
    if (!COSIGN_DEFAULTS[`${platform}-${arch}`]) {
      throw new Error(
        `Shipshape pins no cosign for ${platform}/${arch}: install one (sigstore/cosign-installer) and set cosign-path`
      );
    }
    return { name: `cosign-${platform}-${ociArch(arch)}`, kind: 'binary' };
  },
  defaultVersion: (platform, arch) => COSIGN_DEFAULTS[`${platform}-${arch}`] ?? '',
  pins: {
    '2.5.0': { 'cosign-linux-amd64': '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188' },
    '2.4.1': { 'cosign-linux-arm64': '3b2e2e3854d0356c45fe6607047526ccd04742d20bd44afb5be91fa2a6e7cb4a' }
  },
  versionArgs: ['version'],
  versionPattern: /GitVersion:\s*v?(\S+)/
};
