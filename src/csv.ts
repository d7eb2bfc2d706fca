/**
 * One line of comma-separated fields, as docker/metadata-action and docker/build-push-action
 * read their list inputs: double quotes protect commas, `""` inside quotes is a quote.
 */
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
