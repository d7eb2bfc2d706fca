import type pep440 from '@renovate/pep440';
import type { Flavor } from './flavor.js';
import { compile, type TagRule } from './rules.js';
import { dateHelper, isRawStatement, render, type DateFormatter, type Vars } from './template.js';
import type { Semver } from './semver.js';
import type { SemverTag, TagKind } from '../contract.js';

/** Libraries the plan loads on demand, only for runs whose rules use them. */
export interface Libraries {
  formatDate?: DateFormatter;
  pep440?: typeof pep440;
  /** semver compiles some forty regexes as it loads: 2.5 ms of a start that never needs them. */
  semver?: Semver;
}

export interface TagContext {
  eventName: string;
  ref: string;
  sha: string;
  /** The repository's default branch, from the payload or the API; '' when unknown. */
  defaultBranch: string;
  /** `base_ref` of a tag push, or the PR's base branch. */
  baseRef: string;
  /** The `version` input: when set it stands in for the git tag in semver, pep440 and match rules. */
  version: string;
  flavor: Flavor;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH, 7 unless set. */
  shortShaLength: number;
  now: Date;
  commitDate: Date;
  libraries: Libraries;
}

export interface Version {
  /** The first tag produced, in priority order: the `version` output. */
  main: string | undefined;
  partial: string[];
  latest: boolean;
  /** `latest` with the flavor's prefix/suffix when `onlatest=true`. */
  latestTag: string;
  warnings: string[];
  /** What each semver tag names. */
  semver: Record<string, SemverTag>;
  /** Which kind of rule produced each tag (`semver`, `pr`, `sha`, `branch`, `latest`…). */
  kinds: Record<string, TagKind>;
}

const MAX_TAG = 128;

/** A valid Docker tag from any string: `[A-Za-z0-9_.-]`, at most 128, no leading `.`/`-`. */
export function sanitizeTag(value: string): string {
  return value
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_TAG);
}

const refName = (ref: string, prefix: string): string | undefined =>
  ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
export const branchOf = (ref: string): string | undefined => refName(ref, 'refs/heads/');
export const tagOf = (ref: string): string | undefined => refName(ref, 'refs/tags/');
export const prOf = (ref: string): string | undefined => refName(ref, 'refs/pull/')?.replace(/\/merge$/, '');

function isDefaultBranch(ctx: TagContext): boolean {
  const branch = branchOf(ctx.ref) ?? '';
  if (branch && branch === ctx.defaultBranch) return true;
  // These events always run on the default branch's last commit.
  return /create|discussion|issues|schedule/.test(ctx.eventName);
}

const shortSha = (ctx: TagContext): string => ctx.sha.slice(0, ctx.shortShaLength);

/** Variables every rule attribute (value, prefix, suffix, enable) can use. */
export function globalVars(ctx: TagContext): Vars {
  const onDefault = isDefaultBranch(ctx);
  return {
    branch: branchOf(ctx.ref) ?? '',
    tag: tagOf(ctx.ref) ?? '',
    sha: shortSha(ctx),
    base_ref: ctx.baseRef,
    is_default_branch: String(onDefault),
    is_not_default_branch: String(!onDefault),
    date: dateHelper(ctx.now, ctx.libraries.formatDate),
    commit_date: dateHelper(ctx.commitDate, ctx.libraries.formatDate)
  };
}

interface Produced {
  value: string;
  /** Whether `latest: auto` adds latest when this is the first rule that produced a tag. */
  latest: boolean;
  semver?: Omit<SemverTag, 'prefix' | 'suffix'>;
}

/** Which part of the version a semver pattern names: the whole of it, or a floating prefix. */
const scopeOf = (pattern: string): SemverTag['scope'] =>
  /\{\{\s*(version|patch|raw)\s*\}\}/.test(pattern)
    ? 'full'
    : /\{\{\s*minor\s*\}\}/.test(pattern)
      ? 'minor'
      : 'major';

/** The version text a semver, pep440 or match rule reads: its value=, the version input, or the git tag. */
function versionSource(rule: TagRule, ctx: TagContext, vars: Vars): string | undefined {
  return (rule.attrs.value ? render(rule.attrs.value, vars) : ctx.version) || tagOf(ctx.ref);
}

/** semver and pep440's `match=`: the first group of the expression, when it matches. */
function matched(rule: TagRule, raw: string, warnings: string[]): string {
  if (!rule.attrs.match) return raw;
  const found = raw.match(compile(rule.attrs.match, 'match'));
  if (!found) {
    warnings.push(`${rule.attrs.match} does not match ${raw}; rule "${rule.source}" uses ${raw} as it is`);
    return raw;
  }
  return found[1] ?? found[0];
}

function semverTag(rule: TagRule, raw: string, ctx: TagContext, warnings: string[]): Produced | undefined {
  const semver = ctx.libraries.semver;
  if (!semver) throw new Error('semver support was not loaded for this rule');
  if (!semver.valid(raw)) {
    warnings.push(`${raw} is not a valid semver version; rule "${rule.source}" produced no tag`);
    return undefined;
  }
  const parsed = semver.parse(raw, { loose: true });
  if (!parsed) return undefined;
  const fields = {
    raw: parsed.raw,
    version: parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch
  };
  const stable = parsed.prerelease.length === 0;
  // Prereleases only ever get their full version: they must not move X or X.Y.
  const pattern = stable || isRawStatement(rule.attrs.pattern) ? rule.attrs.pattern : '{{version}}';
  return {
    value: render(pattern, fields),
    latest: stable,
    semver: { version: parsed.version, scope: scopeOf(pattern) }
  };
}

function pep440Tag(rule: TagRule, raw: string, ctx: TagContext, warnings: string[]): Produced | undefined {
  const pep = ctx.libraries.pep440;
  if (!pep) throw new Error('PEP 440 support was not loaded for this rule');
  if (!pep.valid(raw)) {
    warnings.push(`${raw} does not conform to PEP 440; rule "${rule.source}" produced no tag`);
    return undefined;
  }
  const explained = pep.explain(raw);
  if (explained.is_prerelease || explained.is_postrelease || explained.is_devrelease) {
    return { value: isRawStatement(rule.attrs.pattern) ? raw : pep.clean(raw), latest: false };
  }
  const fields = {
    raw,
    version: pep.clean(raw),
    major: pep.major(raw),
    minor: pep.minor(raw),
    patch: pep.patch(raw)
  };
  return { value: render(rule.attrs.pattern, fields), latest: true };
}

function matchTag(rule: TagRule, raw: string, warnings: string[]): Produced | undefined {
  const found = raw.match(compile(rule.attrs.pattern, 'pattern'));
  const group = found?.[Number(rule.attrs.group)];
  if (!found)
    warnings.push(`${rule.attrs.pattern} does not match ${raw}; rule "${rule.source}" produced no tag`);
  else if (group === undefined) {
    warnings.push(
      `group ${rule.attrs.group} does not exist in ${rule.attrs.pattern}; rule "${rule.source}" produced no tag`
    );
  }
  return group === undefined ? undefined : { value: group, latest: true };
}

/** What one rule produces on this event, before prefix and suffix. */
function produce(rule: TagRule, ctx: TagContext, vars: Vars, warnings: string[]): Produced | undefined {
  const a = rule.attrs;
  switch (rule.type) {
    case 'schedule':
      if (!/schedule/.test(ctx.eventName)) return undefined;
      return { value: render(a.pattern, vars), latest: false };
    case 'semver':
    case 'pep440':
    case 'match': {
      const source = versionSource(rule, ctx, vars);
      if (!source) return undefined;
      if (rule.type === 'match') return matchTag(rule, source, warnings);
      const raw = matched(rule, source, warnings).replace(/\//g, '-');
      return rule.type === 'semver'
        ? semverTag(rule, raw, ctx, warnings)
        : pep440Tag(rule, raw, ctx, warnings);
    }
    case 'edge': {
      const branch = branchOf(ctx.ref);
      const wanted = a.branch || ctx.defaultBranch;
      if (branch === undefined || !wanted || branch !== wanted) return undefined;
      return { value: 'edge', latest: false };
    }
    case 'ref': {
      const name =
        a.event === 'branch' ? branchOf(ctx.ref) : a.event === 'tag' ? tagOf(ctx.ref) : prOf(ctx.ref);
      if (name === undefined) return undefined;
      return { value: name, latest: a.event === 'tag' };
    }
    case 'raw':
      return { value: render(a.value, vars), latest: false };
    case 'sha':
      if (!ctx.sha) return undefined;
      return { value: a.format === 'long' ? ctx.sha : shortSha(ctx), latest: false };
  }
}

/** A rule's own `prefix=`/`suffix=` (even empty) wins over the flavor's. */
function affixes(rule: TagRule, ctx: TagContext, vars: Vars): { prefix: string; suffix: string } {
  const pick = (key: 'prefix' | 'suffix'): string =>
    render(Object.hasOwn(rule.attrs, key) ? rule.attrs[key] : ctx.flavor[key], vars);
  return { prefix: pick('prefix'), suffix: pick('suffix') };
}

const kindOf = (rule: TagRule): TagKind => (rule.type === 'ref' ? (rule.attrs.event as TagKind) : rule.type);

/**
 * Applies the rules (already in priority order) the way docker/metadata-action does: the first
 * tag produced is the version, the others are partial versions, and whether `latest` is added
 * is decided by the first rule that produced a tag.
 */
export function computeVersion(rules: TagRule[], ctx: TagContext): Version {
  const vars = globalVars(ctx);
  const warnings: string[] = [];
  let main: string | undefined;
  const partial: string[] = [];
  let latest: boolean | undefined;
  const kinds: Record<string, TagKind> = {};
  const semverTags: Record<string, SemverTag> = {};
  for (const rule of rules) {
    let value: string;
    let produced: Produced | undefined;
    try {
      const enabled = render(rule.attrs.enable, vars);
      if (enabled !== 'true' && enabled !== 'false') {
        throw new Error(`enable must be true or false, got "${enabled}"`);
      }
      if (enabled === 'false') continue;
      produced = produce(rule, ctx, vars, warnings);
      if (!produced?.value) continue;
      const { prefix, suffix } = affixes(rule, ctx, vars);
      value = sanitizeTag(`${prefix}${produced.value}${suffix}`);
      if (produced.semver) semverTags[value] ??= { ...produced.semver, prefix, suffix };
    } catch (error) {
      throw new Error(`input "tags": rule "${rule.source}": ${(error as Error).message}`);
    }
    if (!value) continue;
    kinds[value] ??= kindOf(rule);
    if (main === undefined) main = value;
    else if (value !== main && !partial.includes(value)) partial.push(value);
    latest ??= ctx.flavor.latest === 'auto' ? produced.latest : ctx.flavor.latest === 'true';
  }
  const { flavor } = ctx;
  const latestTag = sanitizeTag(
    `${flavor.prefixLatest ? render(flavor.prefix, vars) : ''}latest${flavor.suffixLatest ? render(flavor.suffix, vars) : ''}`
  );
  if (latest) kinds[latestTag] = 'latest';
  return { main, partial, latest: latest ?? false, latestTag, warnings, kinds, semver: semverTags };
}

/** Every tag for one image name: version, partials, then `latest` when it applies. */
export function tagsFor(version: Version): string[] {
  if (!version.main) return [];
  const tags = [version.main, ...version.partial];
  if (version.latest && !tags.includes(version.latestTag)) tags.push(version.latestTag);
  return tags;
}
