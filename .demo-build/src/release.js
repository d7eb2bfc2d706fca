import * as semver from 'semver';
const STABLE = /^v?(\d+\.\d+\.\d+)$/;
/** Stable versions the registry holds, from tags such as `1.2.3` or `v1.2.3`. */
export function releasedVersions(tags) {
  return tags.map(t => STABLE.exec(t)?.[1]).filter(v => v !== undefined);
}
/**
 * Release safety (pure): a full release tag is never re-pointed at other content, and
 * floating tags (`latest`, `X`, `X.Y`) only ever move forward, never for a prerelease.
 */
export function decideRelease(input) {
  const decision = { push: [], unchanged: [], withheld: [], conflicts: [] };
  const version = semver.valid(input.version) ? semver.parse(input.version) : null;
  const released = releasedVersions(input.registryTags);
  const newest = scope =>
    released
      .map(v => semver.parse(v))
      .filter(v => v !== null && scope(v))
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
          ? () => true
          : tag.includes(`${version.major}.${version.minor}`)
            ? v => v.major === version.major && v.minor === version.minor
            : v => v.major === version.major;
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
