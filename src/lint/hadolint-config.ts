/**
 * The `ignored:` list of a repository's `.hadolint.yaml`, the one key of hadolint's config that
 * Shipshape honours. Read by line rather than with a YAML library: the list is all it needs, and
 * a YAML parser would add a fifth to the bundle.
 */

const KEY = /^ignored:(.*)$/;
const ITEM = /^[ \t]+-[ \t]*(\S+)/;
const unquote = (id: string): string => id.trim().replace(/^["']|["']$/g, '');

/** The rule ids in `ignored:`, block (`- DL3008`) or flow (`[DL3008, DL3009]`) style (pure). */
export function hadolintIgnored(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/).map(line => {
    const comment = line.search(/(?:^|\s)#/);
    return comment < 0 ? line : line.slice(0, comment);
  });
  const at = lines.findIndex(l => KEY.test(l));
  if (at < 0) return [];
  const inline = KEY.exec(lines[at])?.[1].trim() ?? '';
  if (inline.startsWith('[')) {
    return inline
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map(unquote)
      .filter(Boolean);
  }
  const ids: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.trim()) continue;
    const item = ITEM.exec(line);
    if (!item) break;
    ids.push(unquote(item[1]));
  }
  return ids;
}
