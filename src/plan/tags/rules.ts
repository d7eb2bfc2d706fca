import { csvPairs } from '../../common/key-values.js';

/**
 * Parser for the `tags` input: docker/metadata-action's rule grammar, one rule per line,
 * comma-separated `key=value` attributes (double quotes protect commas).
 */
export type RuleType = 'schedule' | 'semver' | 'pep440' | 'match' | 'edge' | 'ref' | 'raw' | 'sha';
export type RefEvent = 'branch' | 'tag' | 'pr';

export interface TagRule {
  type: RuleType;
  /** Attributes as written; defaults of the type filled in (e.g. `prefix=sha-`). */
  attrs: Record<string, string>;
  priority: number;
  /** The line it came from, for error messages and the summary. */
  source: string;
}

const DEFAULT_PRIORITY: Record<RuleType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
};

const ALLOWED: Record<RuleType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
};
const COMMON = ['type', 'enable', 'priority', 'prefix', 'suffix'];

function isRuleType(value: string): value is RuleType {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PRIORITY, value);
}

/**
 * A rule's regular expression as metadata-action reads it: `pattern=` of type=match may be
 * `/re/flags`; `match=` of semver and pep440 is always the bare expression. Compiled once
 * while parsing, so a bad one fails before the build.
 */
export function compile(source: string, attr: 'pattern' | 'match'): RegExp {
  const close = source.lastIndexOf('/');
  const delimited = attr === 'pattern' && source.startsWith('/') && close > 1;
  try {
    return delimited ? new RegExp(source.slice(1, close), source.slice(close + 1)) : new RegExp(source);
  } catch (error) {
    throw new Error(`${attr}= is not a valid regular expression: ${(error as Error).message}`);
  }
}

export function parseRule(source: string): TagRule {
  const attrs: Record<string, string> = {};
  for (const { key, value } of csvPairs(source)) attrs[key ?? 'value'] = value;
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
    case 'pep440':
      if (!attrs.pattern) throw new Error(`type=${type} needs pattern=, e.g. pattern={{version}}`);
      attrs.value ??= '';
      attrs.match ??= '';
      if (attrs.match) compile(attrs.match, 'match');
      break;
    case 'match':
      if (!attrs.pattern) throw new Error('type=match needs pattern=, e.g. pattern=\\d+\\.\\d+');
      compile(attrs.pattern, 'pattern');
      attrs.group ??= '0';
      if (!/^\d+$/.test(attrs.group)) throw new Error(`group must be a number, got "${attrs.group}"`);
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
export function parseRules(lines: string[]): TagRule[] {
  const rules = lines
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'))
    .map(line => {
      try {
        return parseRule(line);
      } catch (error) {
        throw new Error(`input "tags": rule "${line}": ${(error as Error).message}`);
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
