import { formatSizeChange } from '../common/bytes.js';
import { messageOf } from '../common/errors.js';
import { samePlatform } from '../common/oci-layout.js';
import { exceeds, type SizeLimit } from '../common/size-limit.js';
import { verdict, type Verdict } from '../common/verdict.js';
import { RegistryError } from '../registry/auth.js';
import { RegistryClient } from '../registry/client.js';
import { credentialsFromDockerConfig } from '../registry/credentials.js';
import { parseImageName, splitReference } from '../registry/reference.js';
import { imageSizes, type ImageSizes } from '../registry/sizes.js';
import type { Finding, LayerSource, ScannedSize } from '../scan/contract.js';
import type { BaselineLookup, BaselineResult } from './contract.js';

type Comparable = Pick<Finding, 'id' | 'pkg' | 'installed'>;

const keyOf = (f: Comparable): string => [f.id, f.pkg, f.installed].join('\u0000');

/**
 * The vulnerability diff against the baseline (pure), keyed by (vulnerability, package,
 * installed version): each current finding is new or unchanged; the baseline's findings this
 * image no longer has are fixed.
 */
export function diffFindings<F extends Comparable, B extends Comparable>(
  current: F[],
  baseline: B[]
): { marked: (F & { change: 'new' | 'unchanged' })[]; fixed: B[] } {
  const before = new Set(baseline.map(keyOf));
  const now = new Set(current.map(keyOf));
  const fixed = new Map<string, B>();
  for (const f of baseline) if (!now.has(keyOf(f)) && !fixed.has(keyOf(f))) fixed.set(keyOf(f), f);
  return {
    marked: current.map(f => ({
      ...f,
      change: before.has(keyOf(f)) ? ('unchanged' as const) : ('new' as const)
    })),
    fixed: [...fixed.values()]
  };
}

/** Whether the baseline lacks any of this image's base-image layers: the base changed (pure). */
export function baseChanged(layerSources: Record<string, LayerSource>, baseline: ImageSizes): boolean {
  const held = new Set(baseline.layers.map(l => l.diffId));
  return Object.entries(layerSources).some(([diffId, source]) => source.base && !held.has(diffId));
}

/**
 * Finds the baseline in the registry, from manifests only, and the platform image to scan.
 * It never fails the run: a missing, unreadable or other-platform baseline says why instead.
 */
export async function findBaseline(reference: string, platform: string): Promise<BaselineLookup> {
  const { image, ref } = splitReference(reference);
  let found: Awaited<ReturnType<typeof imageSizes>>;
  try {
    const name = parseImageName(image);
    const client = new RegistryClient(name, await credentialsFromDockerConfig(name.registry));
    found = await imageSizes(client, ref);
  } catch (error) {
    const status = error instanceof RegistryError ? error.status : undefined;
    const why =
      status === 401 || status === 403 ? `HTTP ${status}: the token cannot read it` : messageOf(error);
    return { result: { reference, unavailable: `the baseline ${reference} cannot be read (${why})` } };
  }
  if (!found) return { result: { reference, unavailable: `nothing has been pushed to ${reference} yet` } };
  const result: BaselineResult = { reference, digest: found.digest, sizes: found.images };
  const match = found.images.find(i => i.platform === platform) ?? (platform ? undefined : found.images[0]);
  if (!match) {
    const has = found.images.map(i => i.platform || 'an unnamed platform').join(', ');
    return {
      result: { ...result, unavailable: `the baseline ${reference} has no ${platform} image (it has ${has})` }
    };
  }
  return { result, scan: `${image}@${match.digest}`, image: match };
}

/**
 * `max-size-increase` (pure): the platform the baseline was scanned for may grow by at most
 * the limit. Without a baseline size the gate is skipped and says why; it never fails for that.
 */
export function sizeVerdict(
  limit: SizeLimit,
  current: ScannedSize[],
  baseline: Pick<BaselineResult, 'scanned' | 'unavailable'> | undefined
): Verdict {
  const skip = (why: string): Verdict => verdict('size', 'skipped', why);
  if (!baseline) return skip('no baseline to compare sizes with on this run');
  if (baseline.unavailable) return skip(`no baseline to compare sizes with: ${baseline.unavailable}`);
  const before = baseline.scanned;
  const after = before && current.find(c => samePlatform(c.platform, before.platform));
  if (!before || !after) return skip('the scanner reported no image sizes to compare');
  const over = exceeds(limit, before.uncompressed, after.uncompressed);
  const change = `${before.platform || 'the image'}: ${formatSizeChange(before.uncompressed, after.uncompressed)} uncompressed`;
  return verdict(
    'size',
    over ? 'failed' : 'passed',
    `${change}, ${over ? 'over' : 'within'} max-size-increase ${limit.text}`
  );
}
