import * as semver from 'semver';
import type { TagKind, WithheldTag } from '../results.js';

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
  version: string;
  tagNames: string[];
  kinds: Record<string, TagKind>;
  /** Every tag the repository already holds. */
  registryTags: string[];
  /** For full-version tags that exist: does the registry copy hold this image? */
  sameImage: Record<string, boolean>;
  overwriteReleaseTags: boolean;
}

const STABLE = /^v?(\d+\.\d+\.\d+)$/;

/** Stable versions the registry holds, from tags such as `1.2.3` or `v1.2.3`. */
export function releasedVersions(tags: string[]): string[] {
  return tags.map(t => STABLE.exec(t)?.[1]).filter((v): v is string => v !== undefined);
}

/**
 * Release safety (pure): a full release tag is never re-pointed at other content, and
 * floating tags (`latest`, `X`, `X.Y`) only ever move forward, never for a prerelease.
 */
export function decideRelease(input: ReleaseInput): ReleaseDecision {
  const decision: ReleaseDecision = { push: [], unchanged: [], withheld: [], conflicts: [] };
  const version = semver.valid(input.version) ? semver.parse(input.version) : null;
  const released = releasedVersions(input.registryTags);
  const newest = (scope: (v: semver.SemVer) => boolean): string | undefined =>
    released
      .map(v => semver.parse(v))
      .filter((v): v is semver.SemVer => v !== null && scope(v))
      .sort(semver.rcompare)[0]?.version;

  for (const tag of input.tagNames) {
    const kind = input.kinds[tag];
    const isFull = kind === 'semver' && version !== null && tag.includes(version.version);
    const floating = version !== null && (kind === 'latest' || (kind === 'semver' && !isFull));
    if (isFull && input.registryTags.includes(tag)) {
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
    if (floating && version) {
      if (version.prerelease.length > 0) {
        decision.withheld.push({
          tag,
          reason: `${version.version} is a prerelease: floating tags stay where they are`
        });
        continue;
      }
      const scope =
        kind === 'latest'
          ? (): boolean => true
          : tag.includes(`${version.major}.${version.minor}`)
            ? (v: semver.SemVer) => v.major === version.major && v.minor === version.minor
            : (v: semver.SemVer) => v.major === version.major;
      const higher = newest(scope);
      if (higher && semver.gt(higher, version)) {
        decision.withheld.push({
          tag,
          reason: `the registry already holds ${higher}, newer than ${version.version}: ${tag} stays on ${higher}`
        });
        continue;
      }
    }
    decision.push.push(tag);
  }
  return decision;
}
