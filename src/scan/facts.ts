import type { ScannedSize } from './contract.js';
import type { ImageFacts } from './port.js';

/** One platform's uncompressed size from its scan, when the scanner gave one (pure). */
export function scannedSize(platform: string, facts: ImageFacts): ScannedSize | undefined {
  const layers = facts.layerSizes ?? [];
  const uncompressed =
    facts.uncompressed ?? (layers.length > 0 ? layers.reduce((s, l) => s + l.size, 0) : undefined);
  return uncompressed === undefined ? undefined : { platform, uncompressed, layers };
}
