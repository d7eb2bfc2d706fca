import { samePlatform } from '../common/oci-layout.js';
import type { BuildResult } from '../builder/contract.js';

/** Where the scanner reads one platform's image from: the daemon, a file, or a registry (the baseline). */
export type ScanSource = { image: string } | { archive: string } | { layout: string } | { remote: string };

export interface ScanTarget {
  /** Empty for a single-platform image: the scanner reads the only one there is. */
  platform: string;
  source: ScanSource;
  /** The `docker save` that writes the archive first, when the source is one. */
  save?: { image: string; platform: string; archive: string };
}

/**
 * One scan per platform of the image that was built (pure). The daemon serves its own image
 * directly; other platforms come from the OCI layout, or from a `docker save` of that platform.
 */
export function scanTargets(
  build: Pick<BuildResult, 'platforms' | 'layout' | 'builder'>,
  reference: string,
  workDir: string
): ScanTarget[] {
  // One platform the daemon runs is the only image there is; a foreign one (a platform job's
  // arm64 on an amd64 runner) is read like any other platform of an index.
  const [only] = build.platforms;
  if (
    build.platforms.length === 0 ||
    (build.platforms.length === 1 && samePlatform(build.builder.native, only))
  ) {
    return [{ platform: '', source: build.layout ? { layout: build.layout } : { image: reference } }];
  }
  return build.platforms.map(platform => {
    if (build.layout) return { platform, source: { layout: build.layout } };
    if (samePlatform(build.builder.native, platform)) return { platform, source: { image: reference } };
    const archive = `${workDir}/image-${platform.replace(/\//g, '-')}.tar`;
    return { platform, source: { archive }, save: { image: reference, platform, archive } };
  });
}
