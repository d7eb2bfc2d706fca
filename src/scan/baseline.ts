import { formatSizeChange } from '../bytes.js';
import { messageOf } from '../errors.js';
import { RegistryError } from '../registry/auth.js';
import { RegistryClient } from '../registry/client.js';
import { credentialsFromDockerConfig } from '../registry/credentials.js';
import { parseImageName, splitReference } from '../registry/reference.js';
import { samePlatform } from '../oci-layout.js';
import { imageSizes } from '../registry/sizes.js';
import type { BaselineResult, ImageSizes, LayerSource, ScannedSize, SizeGate } from '../results.js';
import { exceeds, type SizeLimit } from '../size-limit.js';
import { redact } from '../untrusted.js';
import type { ParsedReport, TrivyFinding } from './findings.js';

const keyOf = (f: Pick<TrivyFinding, 'id' | 'pkg' | 'installed'>): string =>
  [f.id, f.pkg, f.installed].join('\u0000');

/**
 * The vulnerability diff against the baseline (pure), keyed by (vulnerability, package,
 * installed version): each current finding is new or unchanged; the baseline's findings this
 * image no longer has are fixed.
 */
export function diffFindings<F extends TrivyFinding, B extends TrivyFinding>(
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
export async function findBaseline(
  reference: string,
  platform: string
): Promise<{ result: BaselineResult; scan?: string; image?: ImageSizes }> {
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

/** One platform's uncompressed size from its scan report, when the scanner gave one (pure). */
export function scannedSize(platform: string, report: ParsedReport): ScannedSize | undefined {
  const layers = report.layerSizes ?? [];
  const uncompressed =
    report.uncompressed ?? (layers.length > 0 ? layers.reduce((s, l) => s + l.size, 0) : undefined);
  return uncompressed === undefined ? undefined : { platform, uncompressed, layers };
}

/**
 * `max-size-increase` (pure): the platform the baseline was scanned for may grow by at most
 * the limit. Without a baseline size the gate is skipped and says why; it never fails for that.
 */
export function sizeGate(
  limit: SizeLimit,
  current: ScannedSize[],
  baseline: Pick<BaselineResult, 'scanned' | 'unavailable'> | undefined
): SizeGate {
  const skip = (why: string): SizeGate => ({ limit: limit.text, skipped: true, failed: false, detail: why });
  if (!baseline) return skip('no baseline to compare sizes with on this run');
  if (baseline.unavailable) return skip(`no baseline to compare sizes with: ${baseline.unavailable}`);
  const before = baseline.scanned;
  const after = before && current.find(c => samePlatform(c.platform, before.platform));
  if (!before || !after) return skip('the scanner reported no image sizes to compare');
  const over = exceeds(limit, before.uncompressed, after.uncompressed);
  const change = `${before.platform || 'the image'}: ${formatSizeChange(before.uncompressed, after.uncompressed)} uncompressed`;
  return {
    limit: limit.text,
    skipped: false,
    failed: over,
    detail: `${change}, ${over ? 'over' : 'within'} max-size-increase ${limit.text}`
  };
}

/**
 * Compares with the baseline: finds it in the registry and scans it with the same Trivy and DB,
 * beside the image's own scan. Never fails the run: a baseline that is missing, unreadable or
 * cannot be scanned is reported with the reason.
 */
export async function compareWith(
  reference: string,
  platform: string,
  scanRemote: (remote: string) => Promise<ParsedReport>
): Promise<{ result: BaselineResult; findings?: TrivyFinding[]; image?: ImageSizes }> {
  const found = await findBaseline(reference, platform);
  if (!found.scan || !found.image) return found;
  try {
    const scanned = await scanRemote(found.scan);
    const size = scannedSize(found.image.platform, scanned);
    return {
      ...found,
      result: { ...found.result, ...(size && { scanned: size }) },
      findings: scanned.findings
    };
  } catch (error) {
    const why = redact(messageOf(error)).split('\n')[0];
    return {
      result: { ...found.result, unavailable: `the baseline ${reference} could not be scanned: ${why}` }
    };
  }
}
