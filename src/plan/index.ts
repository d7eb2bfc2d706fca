import type { GitHubEvent } from '../event.js';
import type { Plan } from '../results.js';
import { parseImages } from './images.js';
import { mergeLabels, ociLabels } from './labels.js';
import { DEFAULT_TAG_RULES, parseRules } from './rules.js';
import { branchOf, computeVersion, sanitizeTag, tagsFor, type LatestMode } from './tags.js';

export { pushPolicy } from './policy.js';

/** The inputs the plan reads (named as in Inputs). */
export interface PlanSettings {
  images: string[];
  tags: string[];
  latest: LatestMode;
  version: string;
  labels: Record<string, string>;
}

/** Where this run's build cache goes and where earlier runs' cache is read from (pure). */
export function cacheScopes(event: GitHubEvent): Plan['cache'] {
  const pr = event.payload.pull_request;
  const branch = branchOf(event.ref);
  const own = pr ? `pr-${pr.number}` : branch ? sanitizeTag(branch) : undefined;
  const nearest = [own, pr?.base.ref, event.payload.repository?.default_branch]
    .filter((s): s is string => Boolean(s))
    .map(sanitizeTag);
  return { export: own, import: [...new Set(nearest)] };
}

/** Pure: what to build and how to name it, from the inputs and the triggering event. */
export function makePlan(inputs: PlanSettings, event: GitHubEvent, now: Date): Plan {
  const images = parseImages(inputs.images, event.repository);
  const rules = parseRules(inputs.tags.length > 0 ? inputs.tags : DEFAULT_TAG_RULES);
  const commitTime = event.payload.head_commit?.timestamp;
  const version = computeVersion(rules, {
    eventName: event.eventName,
    ref: event.ref,
    sha: event.sha,
    defaultBranch: event.payload.repository?.default_branch ?? '',
    baseRef: (event.payload.base_ref ?? event.payload.pull_request?.base.ref ?? '').replace(
      /^refs\/heads\//,
      ''
    ),
    version: inputs.version,
    latest: inputs.latest,
    now,
    commitDate: commitTime ? new Date(commitTime) : now
  });
  const tagNames = tagsFor(version);
  const warnings = [...version.warnings];
  if (tagNames.length === 0) {
    warnings.push(`no tag rule produced a tag for event "${event.eventName}" on ref "${event.ref}"`);
  }
  // The commit's time when the event has it (as SOURCE_DATE_EPOCH does): a re-run builds the same image.
  const labels = mergeLabels(
    ociLabels(event, version.main ?? '', commitTime ? new Date(commitTime) : now),
    inputs.labels
  );
  return {
    version: version.main ?? '',
    images,
    tagNames,
    tags: images.flatMap(image => tagNames.map(tag => `${image}:${tag}`)),
    labels,
    warnings,
    kinds: version.kinds,
    semver: version.semver,
    cache: cacheScopes(event)
  };
}
