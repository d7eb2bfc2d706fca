import { givenTool, installTool } from '../tools/install.js';
import { COSIGN } from '../tools/pins.js';

/** The cosign Shipshape signs with: `cosign-path` as it is, else the pinned release binary for this runner. */

export interface CosignPin {
  asset: string;
  version: string;
  sha256: string;
}

/** The pinned cosign for a Node platform/arch, e.g. cosign-linux-amd64 2.5.0. */
export function cosignPin(platform: string, arch: string): CosignPin {
  const version = COSIGN.defaultVersion(platform, arch);
  const { name } = COSIGN.asset(version, platform, arch);
  return { asset: name, version, sha256: COSIGN.pins[version][name] };
}

export async function installCosign(
  cosignPath: string,
  releases?: string,
  runner: { platform: string; arch: string } = process
): Promise<{ path: string; version: string }> {
  const tool = cosignPath
    ? await givenTool(COSIGN, cosignPath, 'cosign-path')
    : await installTool(COSIGN, COSIGN.defaultVersion(runner.platform, runner.arch), { releases, runner });
  return { path: tool.path, version: tool.version };
}
