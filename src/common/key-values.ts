/**
 * The one reader of `key=value` text, in the grammars the inputs use: a single pair, and a line
 * of comma-separated pairs as docker/metadata-action and docker/build-push-action read them
 * (double quotes protect commas, `""` inside quotes is a quote).
 */

/** `key=value` at the first `=`, the key trimmed; undefined without a key. */
export function splitPair(text: string): [key: string, value: string] | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0 || !text.slice(0, eq).trim()) return undefined;
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}

/** One line of comma-separated fields; empty fields dropped. */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unterminated double quote');
  fields.push(field);
  return fields.map(f => f.trim()).filter(f => f.length > 0);
}

/**
 * A line of `key=value` fields: each with its key lower-cased and its value trimmed. A field
 * without a key keeps only its text: what that means (a name, a value, an error) is the caller's.
 */
export function csvPairs(line: string): { key?: string; value: string; field: string }[] {
  return splitCsv(line).map(field => {
    const pair = splitPair(field);
    return pair ? { key: pair[0].toLowerCase(), value: pair[1].trim(), field } : { value: field, field };
  });
}
