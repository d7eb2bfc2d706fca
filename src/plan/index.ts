import { levelOf } from '../common/annotation-levels.js';
import type { GitHubEvent } from '../action/event.js';
import { parseFlavor, type LatestMode } from './tags/flavor.js';
import { parseImages } from './images.js';
import { mergeLabels, ociLabels } from './labels.js';
import type { Facts } from './lookups.js';
import { DEFAULT_TAG_RULES, parseRules, type TagRule } from './tags/rules.js';
import {
  branchOf,
  computeVersion,
  globalVars,
  sanitizeTag,
  tagOf,
  tagsFor,
  type Libraries,
  type TagContext
} from './tags/index.js';
import { render } from './tags/template.js';
import type { Plan } from './contract.js';

export { pushPolicy } from './policy.js';

/** The inputs the plan reads (named as in Inputs). */
export interface PlanSettings {
  images: string[];
  tags: string[];
  flavor: string[];
  /** The `latest` input; `auto` yields to the flavor's `latest=`. */
  latest: LatestMode;
  version: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS: where the annotations go (`manifest`, `index`…). */
  annotationLevels: string[];
  /** DOCKER_METADATA_SHORT_SHA_LENGTH. */
  shortShaLength: number;
  githubToken: string;
  /** `auto`, `none`, or an image reference to compare with. */
  baseline: string;
  /** `mode: platform` builds one of these per job: each keeps its own build cache. */
  mode?: string;
  platforms?: string[];
}

/** What the plan had to load or look up: libraries for the rules, facts the payload lacked. */
export interface PlanExtras {
  libraries?: Libraries;
  facts?: Facts;
}

/**
 * Where this run's build cache goes and where earlier runs' cache is read from (pure). A platform
 * job's scopes end in its platform, so the jobs of one build never overwrite each other's cache.
 */
export function cacheScopes(event: GitHubEvent, platform?: string): Plan['cache'] {
  const pr = event.payload.pull_request;
  const branch = branchOf(event.ref);
  const own = pr ? `pr-${pr.number}` : branch ? sanitizeTag(branch) : undefined;
  const suffix = platform ? `-${platform.replace(/\//g, '-')}` : '';
  const nearest = [own, pr?.base.ref, event.payload.repository?.default_branch]
    .filter((s): s is string => Boolean(s))
    .map(s => sanitizeTag(`${s}${suffix}`));
  return { export: own && sanitizeTag(`${own}${suffix}`), import: [...new Set(nearest)] };
}

/**
 * The image this run is compared with (pure): on a pull request, the base branch's tag of the
 * first image; on a push, what the tag being moved (the version) holds now.
 */
export function baselineOf(setting: string, event: GitHubEvent, image: string | undefined, version: string) {
  if (setting === 'none' || !image) return undefined;
  if (setting !== 'auto') return setting;
  const base = event.payload.pull_request?.base.ref;
  if (base) return `${image}:${sanitizeTag(base)}`;
  return version ? `${image}:${version}` : undefined;
}

/** The time of the built commit when the payload carries it (pushes do; pull requests do not). */
export function payloadCommitDate(event: GitHubEvent): Date | undefined {
  const { commits, head_commit: head } = event.payload;
  const found = commits?.find(c => c.id === event.sha) ?? (head?.id === event.sha ? head : undefined);
  return found?.timestamp ? new Date(found.timestamp) : undefined;
}

const rulesOf = (settings: PlanSettings): TagRule[] =>
  parseRules(settings.tags.length > 0 ? settings.tags : DEFAULT_TAG_RULES);

/**
 * `{{base_ref}}` as metadata-action reads it: a tag push's `base_ref`, a pull request's base
 * branch, and nothing on any other ref (a branch push's `base_ref` included).
 */
function baseRefOf(event: GitHubEvent): string {
  if (event.ref.startsWith('refs/tags/')) return (event.payload.base_ref ?? '').replace(/^refs\/heads\//, '');
  if (event.ref.startsWith('refs/pull/')) return event.payload.pull_request?.base.ref ?? '';
  return '';
}

/** What this run's rules need beyond the payload (pure): which libraries, which look-ups. */
export function needsOf(settings: PlanSettings, event: GitHubEvent) {
  // Schedule rules only produce on schedule events: elsewhere their dates are never formatted.
  const rules = rulesOf(settings).filter(r => r.type !== 'schedule' || /schedule/.test(event.eventName));
  const texts = [
    ...rules.map(r => r.source),
    ...settings.flavor,
    ...Object.values(settings.labels),
    ...Object.values(settings.annotations)
  ];
  const uses = (name: string): boolean => texts.some(t => new RegExp(`\\{\\{\\s*${name}\\b`).test(t));
  const edgeOnDefault =
    branchOf(event.ref) !== undefined && rules.some(r => r.type === 'edge' && !r.attrs.branch);
  return {
    dates: uses('date') || uses('commit_date'),
    pep440: rules.some(r => r.type === 'pep440'),
    // A semver rule reads a version only from its value=, the version input or a git tag.
    semver: rules.some(
      r => r.type === 'semver' && Boolean(r.attrs.value || settings.version || tagOf(event.ref))
    ),
    defaultBranch:
      !event.payload.repository?.default_branch &&
      (edgeOnDefault || uses('is_default_branch') || uses('is_not_default_branch')),
    commitDate: Boolean(event.sha) && uses('commit_date') && !payloadCommitDate(event)
  };
}

/** Pure: what to build and how to name it, from the inputs and the triggering event. */
export function makePlan(
  settings: PlanSettings,
  event: GitHubEvent,
  now: Date,
  extras: PlanExtras = {}
): Plan {
  const images = parseImages(settings.images, event.repository);
  const rules = rulesOf(settings);
  const facts = extras.facts ?? { warnings: [] };
  const context: TagContext = {
    eventName: event.eventName,
    ref: event.ref,
    sha: event.sha,
    defaultBranch: event.payload.repository?.default_branch ?? facts.defaultBranch ?? '',
    baseRef: baseRefOf(event),
    version: settings.version,
    flavor: parseFlavor(settings.flavor, settings.latest),
    shortShaLength: settings.shortShaLength,
    now,
    commitDate: payloadCommitDate(event) ?? facts.commitDate ?? now,
    libraries: extras.libraries ?? {}
  };
  const version = computeVersion(rules, context);
  const tagNames = tagsFor(version);
  const warnings = [...facts.warnings, ...version.warnings];
  if (tagNames.length === 0) {
    warnings.push(`no tag rule produced a tag for event "${event.eventName}" on ref "${event.ref}"`);
  }
  const vars = globalVars(context);
  const custom = (input: 'labels' | 'annotations'): Record<string, string> =>
    Object.fromEntries(
      Object.entries(settings[input]).map(([key, value]) => {
        try {
          return [key, render(value, vars)];
        } catch (error) {
          throw new Error(`input "${input}": ${key}: ${(error as Error).message}`);
        }
      })
    );
  // The commit's time when the event has it (as SOURCE_DATE_EPOCH does): a re-run builds the same image.
  const commitTime = event.payload.head_commit?.timestamp;
  const oci = ociLabels(event, version.main ?? '', commitTime ? new Date(commitTime) : now);
  const annotations = mergeLabels(oci, custom('annotations'));
  return {
    version: version.main ?? '',
    images,
    tagNames,
    tags: images.flatMap(image => tagNames.map(tag => `${image}:${tag}`)),
    labels: mergeLabels(oci, custom('labels')),
    // One written with its own level (`index:key=value`) goes only there.
    annotations: [
      ...settings.annotationLevels.flatMap(level =>
        annotations.filter(a => !levelOf(a)).map(a => `${level}:${a}`)
      ),
      ...annotations.filter(a => levelOf(a))
    ],
    warnings,
    kinds: version.kinds,
    baseline: baselineOf(settings.baseline, event, images[0], version.main ?? ''),
    semver: version.semver,
    cache: cacheScopes(event, settings.mode === 'platform' ? settings.platforms?.[0] : undefined)
  };
}

/**
 * The plan stage: loads what the rules need (moment-timezone for dates, PEP 440, semver) and looks up
 * what the payload lacks (default branch, commit date) only when a rule uses it, then plans.
 */
export async function planStage(settings: PlanSettings, event: GitHubEvent, now: Date): Promise<Plan> {
  const needs = needsOf(settings, event);
  const libraries: Libraries = {
    formatDate: needs.dates ? (await import('./dates.js')).formatDate : undefined,
    pep440: needs.pep440 ? (await import('@renovate/pep440')).default : undefined,
    semver: needs.semver ? (await import('./tags/semver.js')).semver : undefined
  };
  const facts =
    needs.defaultBranch || needs.commitDate
      ? await (await import('./lookups.js')).lookUp(needs, event, settings.githubToken)
      : undefined;
  return makePlan(settings, event, now, { libraries, facts });
}
