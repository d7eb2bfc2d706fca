import type { ScannerAdapter } from './port.js';

/**
 * The scanners the `scanner` input can name, each loaded when chosen. Adding one is a folder
 * beside this file and one line here.
 */
export const SCANNERS: Record<string, { title: string; load: () => Promise<ScannerAdapter> }> = {
  trivy: { title: 'Trivy', load: async () => (await import('./trivy/index.js')).trivy }
};

/** The scanner's name as people write it. */
export const scannerTitle = (name: string): string => SCANNERS[name]?.title ?? name;

export async function loadScanner(name: string): Promise<ScannerAdapter> {
  const entry = SCANNERS[name];
  if (!entry) throw new Error(`unknown scanner "${name}" (known: ${Object.keys(SCANNERS).join(', ')})`);
  return entry.load();
}
