const DEFAULT_PRIORITY = {
  schedule: 1000,
  semver: 900,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
};
const ALLOWED = {
  schedule: ['pattern'],
  semver: ['pattern', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
};
const COMMON = ['type', 'enable', 'priority', 'prefix', 'suffix'];
export function splitCsv(line) {
  const fields = [];
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
function isRuleType(value) {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PRIORITY, value);
}
export function parseRule(source) {
  const attrs = {};
  for (const field of splitCsv(source)) {
    const eq = field.indexOf('=');
    if (eq < 0) attrs.value = field;
    else attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  const type = attrs.type ?? 'raw';
  if (!isRuleType(type)) {
    throw new Error(`unknown type "${type}" (supported: ${Object.keys(DEFAULT_PRIORITY).join(', ')})`);
  }
  for (const key of Object.keys(attrs)) {
    if (!COMMON.includes(key) && !ALLOWED[type].includes(key)) {
      throw new Error(`attribute "${key}" does not apply to type=${type}`);
    }
  }
  delete attrs.type;
  switch (type) {
    case 'schedule':
      attrs.pattern ??= 'nightly';
      break;
    case 'semver':
      if (!attrs.pattern) throw new Error('type=semver needs pattern=, e.g. pattern={{version}}');
      attrs.value ??= '';
      break;
    case 'edge':
      attrs.branch ??= '';
      break;
    case 'ref':
      if (!['branch', 'tag', 'pr'].includes(attrs.event ?? '')) {
        throw new Error('type=ref needs event=branch, event=tag or event=pr');
      }
      if (attrs.event === 'pr') attrs.prefix ??= 'pr-';
      break;
    case 'raw':
      if (attrs.value === undefined) throw new Error('type=raw needs value=');
      break;
    case 'sha':
      attrs.prefix ??= 'sha-';
      attrs.format ??= 'short';
      if (!['short', 'long'].includes(attrs.format)) throw new Error('type=sha format must be short or long');
      break;
  }
  attrs.enable ??= 'true';
  const priority = attrs.priority === undefined ? DEFAULT_PRIORITY[type] : Number(attrs.priority);
  if (!Number.isFinite(priority)) throw new Error(`priority must be a number, got "${attrs.priority}"`);
  delete attrs.priority;
  return { type, attrs, priority, source };
}
/** Parses every rule line (blank lines and `#` comments skipped), highest priority first. */
export function parseRules(lines) {
  const rules = lines
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'))
    .map(line => {
      try {
        return parseRule(line);
      } catch (error) {
        throw new Error(`input "tags": rule "${line}": ${error.message}`);
      }
    });
  // Array.prototype.sort is stable: equal priorities keep the order they were written in.
  return rules.sort((a, b) => b.priority - a.priority);
}
export const DEFAULT_TAG_RULES = [
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=sha'
];
