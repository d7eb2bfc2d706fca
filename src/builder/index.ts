import * as core from '@actions/core';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { cacheWritten, removeExports, runBuild } from './log/run.js';
import { platformManifests, platformOf, samePlatform, topDescriptor } from '../common/oci-layout.js';
import { redact } from '../common/untrusted.js';
import { baseImage } from './log/base.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { capabilities, detectBuilder } from './detect.js';
import {
  cacheArg,
  cacheExports,
  inlineHoldsAll,
  planCache,
  type CachePlan,
  type CacheSettings
} from './cache.js';
import { cacheUse } from './log/cache-use.js';
import { readBuildChecks } from './log/warnings.js';
import type { BuildRequest } from './command.js';
import { describeBuildFailure, failingLine, parseBuildFailure } from './log/failure.js';
import { inspectImage, loadPlatform } from './load.js';
import { buildAnnotations, preflight } from './preflight.js';
import type { BuildOptions, BuildResult, Builder, CheckWarning, ProvenanceMode } from './contract.js';
import type { Plan } from '../plan/contract.js';

/** The inputs the build reads (named as in Inputs). */
export interface BuildSettings extends CacheSettings {
  context: string;
  file: string;
  buildArgs: Record<string, string>;
  target: string;
  platforms: string[];
  provenance: ProvenanceMode;
  buildOptions: BuildOptions;
  /** A buildx builder by name (docker/setup-buildx-action's, a remote BuildKit, a cloud builder), or empty. */
  builder: string;
}

/**
 * The built image, asked for at once (the gates wait on it): id and size; the digest to push and each
 * platform's manifest where the store holds them. A layout's own platform is loaded into the daemon to run.
 */
async function identify(
  builder: Builder,
  reference: string,
  built: string[],
  runnable: boolean,
  layout: string | undefined
): Promise<Pick<BuildResult, 'imageId' | 'sizeBytes' | 'digest' | 'manifests'>> {
  if (layout) {
    const top = await topDescriptor(layout);
    const manifests = await platformManifests(layout, top);
    const native =
      runnable && manifests.find(m => !m.platform || samePlatform(builder.native, platformOf(m)));
    const loaded = native && (await loadPlatform(layout, native, reference));
    return { imageId: top.digest, ...loaded, digest: top.digest, manifests: manifests.map(m => m.digest) };
  }
  if (builder.store !== 'containerd') return inspectImage(reference);
  const [image, ...manifests] = await Promise.all([
    inspectImage(reference),
    ...built.map(async p => (await inspectImage('--platform', p, reference)).imageId)
  ]);
  return { ...image, digest: image.imageId, manifests };
}

/** Tells apart what a missing cache means: expected for a first run, worth a warning when asked for. */
function reportCache(cache: CachePlan, asked: string[], missing: { ref: string; reason: string }[]): void {
  for (const note of cache.dropped) core.warning(`Build cache not used: ${note}`);
  for (const { ref, reason } of missing) {
    const message = redact(`Build cache ${ref} could not be read (${reason}): building without it`);
    if (asked.some(a => a.includes(ref)) || reason !== 'not found') core.warning(message);
    else core.info(message);
  }
}

/** What the pipeline hands the build besides its settings. */
export interface BuildHooks {
  /** Called once the build's process runs (sooner would delay it); never for a build refused before. */
  starting?: () => void;
  /** The builder, when it was asked for before the build. */
  detected?: Promise<Builder>;
  /**
   * Takes the rest of a build that returns as soon as its image is in the store, while BuildKit
   * still writes the cache export: whether that cache was written. Without it the build waits.
   */
  finishing?: (written: Promise<boolean>) => void;
  /** Takes BuildKit's check warnings as the build reports them once its call ends (buildx only). */
  checked?: (warnings: Promise<CheckWarning[] | undefined>) => void;
}

/** Builds the image once, with every tag and label of the plan, and says what it built and reused. */
export async function buildImage(
  settings: BuildSettings,
  plan: Plan,
  pushes: boolean,
  outputDir: string,
  hooks: BuildHooks = {}
): Promise<BuildResult> {
  const builder = await (hooks.detected ?? detectBuilder(settings.builder));
  if (builder.kind === 'classic') {
    core.warning(
      `Docker CLI ${builder.client} has no buildx and no built-in BuildKit: building with the classic builder. ` +
        'Install docker buildx (as on GitHub-hosted runners) for BuildKit caching and multi-platform builds.'
    );
  }
  const caps = capabilities(builder, settings.platforms);
  const checked = preflight(settings, builder, caps);
  const dir = path.join(outputDir, 'build');
  await mkdir(dir, { recursive: true });
  // Read once, for the cache and the base image; one that cannot be read fails the build, which names it.
  const dockerfile = await readFile(settings.file, 'utf8').then(parseDockerfile, () => undefined);
  const inline = dockerfile !== undefined && inlineHoldsAll(dockerfile, settings, caps);
  const cache = planCache(settings, caps, plan, pushes, dir, inline);
  const layout = caps.output === 'layout' ? path.join(dir, 'image') : undefined;
  const metadataFile = builder.kind === 'buildx' ? path.join(dir, 'metadata.json') : undefined;
  if (metadataFile) await rm(metadataFile, { force: true });
  const annotated = buildAnnotations(plan.annotations, builder, caps, settings.platforms);
  if (annotated.dropped) core.info(`Annotations not on the image: ${annotated.dropped}`);
  const request: BuildRequest = {
    ...settings,
    tags: plan.tags,
    labels: plan.labels,
    annotations: annotated.annotations,
    cacheFrom: cache.from,
    cacheTo: cache.to,
    provenance: checked.provenance,
    output: layout ? { layout } : { load: true },
    metadataFile
  };
  const started = Date.now();
  // The gates need the image, not a cache export BuildKit writes after it (inline cache is in the image).
  const exported = cache.to.some(spec => spec.type !== 'inline');
  const early = Boolean(hooks.finishing) && builder.kind === 'buildx' && !layout && exported;
  const building = runBuild(request, builder, early);
  hooks.starting?.();
  let result = await building;
  const used = builder.kind === 'classic' ? undefined : cacheUse(result.log);
  const cacheReport = used && { ...used, exports: cacheExports(cache), uploads: cache.uploads };
  if (result.rest) {
    const before = result.log;
    // Layers BuildKit pulls only to write the cache export count too: the report reads them at its end.
    const complete = (after: string) =>
      cacheReport && Object.assign(cacheReport, cacheUse(`${before}\n${after}`));
    hooks.finishing?.(cacheWritten(result.rest, complete, cache.uploads));
  }
  if (result.exitCode !== 0 && !parseBuildFailure(result.log).step && cache.to.length > 0) {
    // Nothing in the Dockerfile failed: the cache export did. Build again without it.
    core.warning(
      redact(
        `Build cache export failed (${parseBuildFailure(result.log).error}): building without exporting cache`
      )
    );
    await removeExports(cache.uploads);
    Object.assign(cache, { to: [], uploads: [] });
    result = await runBuild({ ...request, cacheTo: [] }, builder);
  }
  if (result.exitCode !== 0) {
    const failure = parseBuildFailure(result.log);
    throw new Error(describeBuildFailure(failure, await failingLine(settings.file, failure), settings.file));
  }
  if (metadataFile) {
    // buildx writes the file as its call ends: after the cache export of a build that returned early.
    const ended = Promise.resolve(result.rest).catch(() => undefined);
    hooks.checked?.(ended.then(() => readBuildChecks(metadataFile)));
  }
  const built = settings.platforms.length > 0 ? settings.platforms : [builder.native];
  const runnable = built.some(p => samePlatform(builder.native, p));
  const image = await identify(builder, plan.tags[0], built, runnable, layout);
  if (used) reportCache(cache, settings.cacheFrom.map(cacheArg), used.missing);
  return {
    ...image,
    platforms: built,
    layout,
    runnable,
    provenance: checked.provenance === 'min' || checked.provenance === 'max' ? checked.provenance : undefined,
    notes: checked.notes,
    cache: cacheReport,
    base:
      dockerfile === undefined
        ? undefined
        : baseImage(dockerfile, settings.buildArgs, settings.target, result.log),
    builder,
    durationMs: Date.now() - started
  };
}
