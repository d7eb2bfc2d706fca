import { csvPairs } from '../common/key-values.js';

// Docker's reference grammar (distribution/reference): an optional registry host[:port],
// then lowercase path components separated by `/`.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
export const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const MAX_NAME = 255;

/** Lowercases and validates one image name; throws a message naming the input when invalid. */
export function normalizeImageName(name: string): string {
  // docker/metadata-action lowercases the whole name; registry hosts are case-insensitive.
  const normalized = name.toLowerCase();
  const path = normalized.slice(normalized.indexOf('/') + 1);
  const lastPart = path.split('/').pop() ?? '';
  if (lastPart.includes(':') || path.includes('@')) {
    throw new Error(
      `input "images": "${name}" carries a tag or digest; give the name only and set tags with "tags"`
    );
  }
  if (normalized.length > MAX_NAME || !REFERENCE.test(normalized)) {
    throw new Error(
      `input "images": "${name}" is not a valid image name (expected [registry[:port]/]path, lowercase letters, digits and . _ - separators)`
    );
  }
  return normalized;
}

/** The `images` input: one per line or comma-separated, or metadata-action's `name=…,enable=…`. */
export function parseImages(lines: string[], repository: string): string[] {
  const names: string[] = [];
  for (const line of lines.map(l => l.trim()).filter(l => l && !l.startsWith('#'))) {
    if (/(^|,)\s*(name|enable)\s*=/.test(line)) {
      const attrs = Object.fromEntries(csvPairs(line).map(({ key, value }) => [key ?? 'name', value]));
      if (!attrs.name) throw new Error(`input "images": "${line}" has no name=`);
      if ((attrs.enable ?? 'true') === 'true') names.push(attrs.name);
      else if (attrs.enable !== 'false')
        throw new Error(`input "images": enable must be true or false in "${line}"`);
    } else {
      names.push(
        ...line
          .split(',')
          .map(n => n.trim())
          .filter(Boolean)
      );
    }
  }
  if (names.length === 0) {
    if (!repository) throw new Error('input "images" is empty and GITHUB_REPOSITORY is not set');
    names.push(`ghcr.io/${repository}`);
  }
  return [...new Set(names.map(normalizeImageName))];
}
