import * as semver from 'semver';
import type { SemverTag, TagKind } from '../results.js';
import type { TagRule } from './rules.js';
import { dateHelper, isRawStatement, render, type Vars } from './template.js';

export type LatestMode = 'auto' | 'true' | 'false';

export interface TagContext {
  eventName: string;
  ref: string;
  sha: string;
  defaultBranch: string;
  /** `base_ref` of a tag push, or the PR's base branch. */
  baseRef: string;
  /** The `version` input: when set it stands in for the git tag in semver rules. */
  version: string;
  latest: LatestMode;
  now: Date;
  commitDate: Date;
}

export interface Version {
  /** The first tag produced, in priority order: the `version` output. */
  main: string | undefined;
  partial: string[];
  latest: boolean;
  warnings: string[];
  /** What each semver tag names. */
  semver: Record<string, SemverTag>;
  /** Which kind of rule produced each tag (`semver`, `pr`, `sha`, `branch`, `latest`…). */
  kinds: Record<string, TagKind>;
}

const SHORT_SHA = 7;
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

/** Variables every rule attribute (value, prefix, suffix, enable) can use. */
export function globalVars(ctx: TagContext): Vars {
  return {
    branch: branchOf(ctx.ref) ?? '',
    tag: tagOf(ctx.ref) ?? '',
    sha: ctx.sha.slice(0, SHORT_SHA),
    base_ref: ctx.baseRef,
    is_default_branch: String(isDefaultBranch(ctx)),
    date: dateHelper(ctx.now),
    commit_date: dateHelper(ctx.commitDate)
  };
}

interface Produced {
  value: string;
  latest: boolean;
  semver?: SemverTag;
}

/** Which part of the version a semver pattern names: the whole of it, or a floating prefix. */
const scopeOf = (pattern: string): SemverTag['scope'] =>
  /\{\{\s*(version|patch|raw)\s*\}\}/.test(pattern)
    ? 'full'
    : /\{\{\s*minor\s*\}\}/.test(pattern)
      ? 'minor'
      : 'major';

function produce(rule: TagRule, ctx: TagContext, vars: Vars, warnings: string[]): Produced | undefined {
  const a = rule.attrs;
  const prefix = a.prefix === undefined ? '' : render(a.prefix, vars);
  const suffix = a.suffix === undefined ? '' : render(a.suffix, vars);
  const affix = (value: string): string => `${prefix}${value}${suffix}`;
  switch (rule.type) {
    case 'schedule':
      if (!/schedule/.test(ctx.eventName)) return undefined;
      return { value: affix(render(a.pattern, { ...vars, date: dateHelper(ctx.now) })), latest: false };
    case 'semver': {
      const explicit = a.value ? render(a.value, vars) : ctx.version;
      const raw = explicit || tagOf(ctx.ref);
      if (!raw) return undefined;
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
      // Prereleases only ever get their full version: they must not move X or X.Y.
      const pattern = parsed.prerelease.length === 0 || isRawStatement(a.pattern) ? a.pattern : '{{version}}';
      const described = { version: parsed.version, scope: scopeOf(pattern), prefix, suffix };
      return {
        value: affix(render(pattern, fields)),
        latest: parsed.prerelease.length === 0,
        semver: described
      };
    }
    case 'edge': {
      const branch = branchOf(ctx.ref);
      if (branch === undefined || branch !== (a.branch || ctx.defaultBranch)) return undefined;
      return { value: affix('edge'), latest: false };
    }
    case 'ref': {
      const name =
        a.event === 'branch' ? branchOf(ctx.ref) : a.event === 'tag' ? tagOf(ctx.ref) : prOf(ctx.ref);
      if (name === undefined) return undefined;
      return { value: affix(name), latest: a.event === 'tag' };
    }
    case 'raw':
      return { value: affix(render(a.value, vars)), latest: false };
    case 'sha':
      if (!ctx.sha) return undefined;
      return { value: affix(a.format === 'long' ? ctx.sha : ctx.sha.slice(0, SHORT_SHA)), latest: false };
  }
}

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
    let produced: Produced | undefined;
    try {
      const enabled = render(rule.attrs.enable, vars);
      if (enabled !== 'true' && enabled !== 'false') {
        throw new Error(`enable must be true or false, got "${enabled}"`);
      }
      if (enabled === 'false') continue;
      produced = produce(rule, ctx, vars, warnings);
    } catch (error) {
      throw new Error(`input "tags": rule "${rule.source}": ${(error as Error).message}`);
    }
    if (!produced) continue;
    const value = sanitizeTag(produced.value);
    if (!value) continue;
    kinds[value] ??= rule.type === 'ref' ? (rule.attrs.event as TagKind) : rule.type;
    if (produced.semver) semverTags[value] ??= produced.semver;
    if (main === undefined) main = value;
    else if (value !== main && !partial.includes(value)) partial.push(value);
    latest ??= ctx.latest === 'auto' ? produced.latest : ctx.latest === 'true';
  }
  if (latest) kinds.latest = 'latest';
  return { main, partial, latest: latest ?? false, warnings, kinds, semver: semverTags };
}

/** Every tag for one image name: version, partials, then `latest` when it applies. */
export function tagsFor(version: Version): string[] {
  if (!version.main) return [];
  const tags = [version.main, ...version.partial];
  if (version.latest && !tags.includes('latest')) tags.push('latest');
  return tags;
}
