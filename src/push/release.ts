import * as semver from 'semver';
import type { SemverTag, TagKind } from '../plan/contract.js';
import type { WithheldTag } from './contract.js';

export interface ReleaseDecision {
  /** Tags to push. */
  push: string[];
  /** Tags already pointing at this very image: nothing to do. */
  unchanged: string[];
  withheld: WithheldTag[];
  /** Full release tags that exist with other content (push refused unless overwrite). */
  conflicts: WithheldTag[];
}

export interface ReleaseInput {
  tagNames: string[];
  kinds: Record<string, TagKind>;
  /** What each semver tag names (version, scope, prefix, suffix). */
  semver: Record<string, SemverTag>;
  /** Every tag the repository already holds. */
  registryTags: string[];
  /** For full-version tags that exist: does the registry copy hold this image? */
  sameImage: Record<string, boolean>;
  overwriteReleaseTags: boolean;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Stable versions the registry holds as `<prefix>[v]X.Y.Z<suffix>` tags. */
export function releasedVersions(
  tags: string[],
  affix: Pick<SemverTag, 'prefix' | 'suffix'> = { prefix: '', suffix: '' }
): string[] {
  const stable = new RegExp(`^${escape(affix.prefix)}v?(\\d+\\.\\d+\\.\\d+)${escape(affix.suffix)}$`);
  return tags
    .map(t => stable.exec(t)?.[1])
    .filter((v): v is string => v !== undefined && semver.valid(v) !== null);
}

/** The newest stable release of the same prefix/suffix whose version `inScope` accepts. */
function newest(
  input: ReleaseInput,
  affix: SemverTag,
  inScope: (v: semver.SemVer) => boolean
): semver.SemVer | undefined {
  return releasedVersions(input.registryTags, affix)
    .map(v => new semver.SemVer(v))
    .filter(inScope)
    .sort(semver.rcompare)[0];
}

/** Why a floating tag for `release` must stay where it is, if it must. */
function holdBack(
  tag: string,
  release: SemverTag,
  scope: SemverTag['scope'] | 'latest',
  input: ReleaseInput
): string | undefined {
  const version = new semver.SemVer(release.version);
  if (version.prerelease.length > 0)
    return `${version.version} is a prerelease: floating tags stay where they are`;
  const inScope = (v: semver.SemVer): boolean =>
    scope === 'latest' || (v.major === version.major && (scope === 'major' || v.minor === version.minor));
  const higher = newest(input, release, inScope);
  if (higher && semver.gt(higher, version)) {
    return `the registry already holds ${higher.version}, newer than ${version.version}: ${tag} stays on ${higher.version}`;
  }
  return undefined;
}

/**
 * Release safety (pure): a full release tag is never re-pointed at other content, and
 * floating tags (`latest`, `X`, `X.Y`) only ever move forward, never for a prerelease.
 * Releases are compared by the semver each tag names, with its own prefix and suffix, so
 * `1.2.3-alpine` is release 1.2.3 of the `-alpine` line, not a prerelease.
 */
export function decideRelease(input: ReleaseInput): ReleaseDecision {
  const decision: ReleaseDecision = { push: [], unchanged: [], withheld: [], conflicts: [] };
  // `latest` follows the release the first semver tag names.
  const main = input.tagNames.map(t => input.semver[t]).find(s => s !== undefined);
  for (const tag of input.tagNames) {
    const release = input.semver[tag] ?? (input.kinds[tag] === 'latest' ? main : undefined);
    if (!release) {
      decision.push.push(tag);
      continue;
    }
    const scope = input.semver[tag]?.scope ?? 'latest';
    if (scope === 'full' && input.registryTags.includes(tag)) {
      if (input.sameImage[tag]) decision.unchanged.push(tag);
      else if (input.overwriteReleaseTags) decision.push.push(tag);
      else {
        decision.conflicts.push({
          tag,
          reason: `${tag} already exists with different content; release tags are never re-pointed (set overwrite-release-tags: true to allow it)`
        });
      }
      continue;
    }
    const reason = scope === 'full' ? undefined : holdBack(tag, release, scope, input);
    if (reason) decision.withheld.push({ tag, reason });
    else decision.push.push(tag);
  }
  return decision;
}
