/** plan: what the run builds, how it names it, and whether it pushes. */
export type TagKind =
  'schedule' | 'semver' | 'pep440' | 'match' | 'edge' | 'branch' | 'tag' | 'pr' | 'raw' | 'sha' | 'latest';

/** A tag a semver rule made: which version, which part of it, with which prefix and suffix. */
export interface SemverTag {
  version: string;
  /** `full` names the release (`1.2.3`); `minor` (`1.2`) and `major` (`1`) float. */
  scope: 'full' | 'minor' | 'major';
  prefix: string;
  suffix: string;
}

/** plan: what to build and how to name it. */
export interface Plan {
  version: string;
  images: string[];
  /** Tag names without the image, e.g. `1.2.3`, `latest`. */
  tagNames: string[];
  /** Full references: every tag name on every image. */
  tags: string[];
  labels: string[];
  /** `level:key=value`, as docker buildx build --annotation and metadata-action's output take them. */
  annotations: string[];
  warnings: string[];
  kinds: Record<string, TagKind>;
  /** The image to compare with (`baseline` input; by default the base branch's or the moved tag's). */
  baseline?: string;
  /** What each tag of kind `semver` names; release safety compares releases by these. */
  semver: Record<string, SemverTag>;
  /**
   * Build cache scopes, tag-safe: the one this run's cache is saved under (its branch or PR),
   * and the ones it reads from, nearest first (its own, the PR's base, the default branch).
   */
  cache: { export?: string; import: string[] };
}

/** plan: whether this run pushes. */
export interface PushPolicy {
  push: boolean;
  /** Why not, or what is limited, for the summary. */
  reason: string;
  /** Only tags of these kinds go out (pull requests: pr-N and sha- tags). */
  kinds?: TagKind[];
}
