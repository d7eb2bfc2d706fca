import * as core from '@actions/core';
import { rm } from 'node:fs/promises';
import { isAttestation, topDescriptor, type Descriptor } from '../common/oci-layout.js';
import { configOf, RegistryClient } from '../registry/client.js';
import { imageSizes } from '../registry/sizes.js';
import { credentialsFromDockerConfig, type Credentials } from '../registry/credentials.js';
import { pushLayout } from '../registry/layout.js';
import { parseImageName, splitTag } from '../registry/reference.js';
import { messageOf } from '../common/errors.js';
import { redact } from '../common/untrusted.js';
import { gatedManifests, layoutOf } from './by-digest.js';
import { dockerPush } from './docker-push.js';
import { loginRegistry, type LoginSettings } from './login.js';
import { decideRelease, type ReleaseDecision } from './release.js';
import type { BuildResult, CacheUpload } from '../builder/contract.js';
import type { Plan, PushPolicy } from '../plan/contract.js';
import type { PushResult } from './contract.js';
import type { ImageSizes } from '../registry/sizes.js';

/** The built image as the push needs it. */
export type BuiltImage = Pick<BuildResult, 'imageId' | 'digest' | 'layout' | 'manifests'> & {
  cache?: { uploads: CacheUpload[] };
};

export interface PushRequest {
  plan: Plan;
  build: BuiltImage;
  policy: PushPolicy;
  overwriteReleaseTags: boolean;
  /** Docker config dir with this run's login, if any. */
  dockerConfig?: string;
  login?: { registry: string } & Credentials;
  /** Whether the build's cache export, still being written as the gates ran, was written: awaited before its upload. */
  cacheWritten?: Promise<boolean>;
}

async function clientFor(image: string, req: PushRequest): Promise<RegistryClient> {
  const ref = parseImageName(image);
  const credentials =
    req.login && req.login.registry === ref.registry
      ? req.login
      : await credentialsFromDockerConfig(ref.registry, req.dockerConfig);
  return new RegistryClient(ref, credentials);
}

/**
 * Whether a tag already holds this very image. Like with like: each platform's image manifest
 * where the build knows them (an index's attestations carry build times, so the index digest
 * differs between identical builds); the config digest (= local image id) on the classic store.
 */
async function holdsImage(client: RegistryClient, tag: string, build: BuiltImage): Promise<boolean> {
  if (!build.manifests) return (await client.configDigest(tag)) === build.imageId;
  const stored = await client.manifest(tag);
  if (!stored) return false;
  const body = JSON.parse(stored.bytes.toString()) as { manifests?: Descriptor[] };
  const images = body.manifests
    ? body.manifests.filter(m => !isAttestation(m)).map(m => m.digest)
    : [stored.digest];
  return images.length === build.manifests.length && images.every(d => build.manifests?.includes(d));
}

/**
 * `docker push` of the first tag, which uploads the image; the other tags name the manifest that
 * push made, put again byte for byte (no second push, no second manifest). Returns that manifest.
 */
async function dockerPushTags(image: string, client: RegistryClient, tags: string[], req: PushRequest) {
  const env: Record<string, string> = req.dockerConfig ? { DOCKER_CONFIG: req.dockerConfig } : {};
  const [first, ...rest] = tags;
  const digest = await dockerPush(`${image}:${first}`, env);
  const manifest = await client.manifest(digest);
  if (!manifest) throw new Error(`${image}@${digest} is not in the registry after its push`);
  await Promise.all(rest.map(tag => client.putManifest(tag, manifest.mediaType, manifest.bytes)));
  return { ...manifest, digest };
}

/** Pushes the tags of one image name and returns the one digest they all resolve to. */
async function pushTags(
  image: string,
  client: RegistryClient,
  tags: string[],
  req: PushRequest
): Promise<string> {
  const { build } = req;
  let digest: string;
  if (build.layout) {
    digest = await pushLayout(client, build.layout, await topDescriptor(build.layout), tags);
  } else {
    const pushed = await dockerPushTags(image, client, tags, req);
    digest = pushed.digest;
    if (!build.digest && configOf(pushed) !== build.imageId)
      throw new Error(`${image}@${digest} does not hold the image that passed the gates (${build.imageId})`);
  }
  if (build.digest && digest !== build.digest) {
    throw new Error(
      `${image} was pushed as ${digest}, but the image that passed the gates is ${build.digest}`
    );
  }
  // Confirm from the registry itself that every tag resolves to the one manifest.
  const seen = await Promise.all(tags.map(tag => client.digest(tag)));
  seen.forEach((d, i) => {
    if (d !== digest)
      throw new Error(
        `${image}:${tags[i]} resolves to ${d ?? 'nothing'} in the registry, expected ${digest}`
      );
  });
  return digest;
}

/** The tags that already hold the gated image, after a push that failed; none when the registry cannot say. */
async function tagsHolding(
  client: RegistryClient,
  tags: string[],
  build: BuiltImage
): Promise<{ tags: string[]; digest?: string }> {
  const found = await Promise.all(tags.map(tag => client.digest(tag).catch(() => undefined)));
  const digest = build.digest ?? found.find(d => d !== undefined);
  if (
    !digest ||
    (!build.digest && (await client.configDigest(digest).catch(() => undefined)) !== build.imageId)
  ) {
    return { tags: [] };
  }
  return { tags: tags.filter((_tag, i) => found[i] === digest), digest };
}

/** Puts the manifest pushed as `digest` under `tag` too, byte for byte. */
async function tagPushed(client: RegistryClient, digest: string | undefined, tag: string): Promise<void> {
  const manifest = digest && (await client.manifest(digest));
  if (!manifest) throw new Error('the image was not pushed to that name');
  await client.putManifest(tag, manifest.mediaType, manifest.bytes);
}

/**
 * Saves the build cache once the image went out: the export written during the build (once
 * written) uploaded, or the pushed image, its cache inline, tagged. A failure only warns.
 */
async function uploadCache(req: PushRequest, digests: Record<string, string>): Promise<string[]> {
  const done: string[] = [];
  if (!(await (req.cacheWritten ?? true))) return done;
  for (const { dir, ref } of req.build.cache?.uploads ?? []) {
    try {
      const { image, tag } = splitTag(ref);
      const client = await clientFor(image, req);
      if (dir) await pushLayout(client, dir, await topDescriptor(dir), [tag]);
      else await tagPushed(client, digests[image], tag);
      done.push(ref);
    } catch (error) {
      core.warning(redact(`Build cache not saved to ${ref}: ${(error as Error).message}`));
    }
  }
  return done;
}

/** What the first image name now holds, as its manifests say: for the size comparison only. */
async function pushedSizes(
  first: { image: string; client: RegistryClient } | undefined,
  digests: Record<string, string>
): Promise<ImageSizes[] | undefined> {
  const digest = first && digests[first.image];
  if (!first || !digest) return undefined;
  try {
    return (await imageSizes(first.client, digest))?.images;
  } catch (error) {
    core.info(redact(`Sizes of ${first.image}@${digest} not read: ${messageOf(error)}`));
    return undefined;
  }
}

/** Decides the tags per image (release safety), pushes them, and checks every tag's digest. */
export async function pushImages(req: PushRequest): Promise<PushResult> {
  const started = Date.now();
  const allowed = req.plan.tagNames.filter(
    t => !req.policy.kinds || req.policy.kinds.includes(req.plan.kinds[t])
  );
  const plans: { image: string; client: RegistryClient; decision: ReleaseDecision }[] = await Promise.all(
    req.plan.images.map(async image => {
      const client = await clientFor(image, req);
      const registryTags = await client.tags();
      const sameImage: Record<string, boolean> = {};
      for (const tag of allowed.filter(
        t => registryTags.includes(t) && req.plan.semver[t]?.scope === 'full'
      )) {
        sameImage[tag] = await holdsImage(client, tag, req.build);
      }
      const decision = decideRelease({
        tagNames: allowed,
        kinds: req.plan.kinds,
        semver: req.plan.semver,
        registryTags,
        sameImage,
        overwriteReleaseTags: req.overwriteReleaseTags
      });
      return { image, client, decision };
    })
  );
  const conflicts = plans.flatMap(p => p.decision.conflicts.map(c => `${p.image}:${c.tag}: ${c.reason}`));
  if (conflicts.length > 0) throw new Error(`nothing pushed: ${conflicts.join('; ')}`);

  const result = emptyPush();
  for (const { image, client, decision } of plans) {
    result.withheld.push(...decision.withheld.map(w => ({ tag: `${image}:${w.tag}`, reason: w.reason })));
    result.unchanged.push(...decision.unchanged.map(t => `${image}:${t}`));
    if (decision.push.length === 0) continue;
    try {
      result.digests[image] = await pushTags(image, client, decision.push, req);
      result.tags.push(...decision.push.map(tag => `${image}:${tag}`));
    } catch (error) {
      // Say exactly what went out: the tags the registry already resolves to the gated image.
      const landed = await tagsHolding(client, decision.push, req.build);
      if (landed.tags.length > 0 && landed.digest) result.digests[image] = landed.digest;
      result.tags.push(...landed.tags.map(tag => `${image}:${tag}`));
      const reason = redact(messageOf(error));
      for (const tag of decision.push.filter(t => !landed.tags.includes(t)))
        result.failed.push({ tag: `${image}:${tag}`, reason });
    }
  }
  result.pushed = result.tags.length > 0;
  result.sizes = await pushedSizes(plans[0], result.digests);
  result.cacheSaved = result.failed.length === 0 ? await uploadCache(req, result.digests) : [];
  result.durationMs = Date.now() - started;
  return result;
}

/**
 * `mode: platform`: the gated platform's manifest (and its attestations) pushed by digest to
 * every image name, with no tag: nothing anyone pulls by name changes until the merge job.
 */
export async function pushByDigest(req: PushRequest, platform: string): Promise<PushResult> {
  const started = Date.now();
  const dir = await layoutOf(req.build);
  try {
    const { image, attestations } = await gatedManifests(dir, req.build);
    const result: PushResult = { ...emptyPush(), byDigest: { platform, manifest: image, attestations } };
    for (const name of req.plan.images) {
      try {
        const client = await clientFor(name, req);
        for (const manifest of [image, ...attestations])
          await pushLayout(client, dir, manifest, [manifest.digest]);
        if ((await client.digest(image.digest)) !== image.digest)
          throw new Error(`${name}@${image.digest} is not in the registry after the push`);
        result.digests[name] = image.digest;
      } catch (error) {
        result.failed.push({ tag: `${name}@${image.digest}`, reason: redact(messageOf(error)) });
      }
    }
    result.pushed = Object.keys(result.digests).length > 0;
    result.cacheSaved = result.failed.length === 0 ? await uploadCache(req, result.digests) : [];
    return { ...result, durationMs: Date.now() - started };
  } finally {
    if (dir !== req.build.layout) await rm(dir, { recursive: true, force: true });
  }
}

const emptyPush = (): PushResult => ({
  pushed: false,
  digests: {},
  tags: [],
  unchanged: [],
  withheld: [],
  failed: [],
  durationMs: 0
});

/** The inputs the push reads (named as in Inputs). */
export interface PushSettings extends LoginSettings {
  overwriteReleaseTags: boolean;
  mode: string;
  platforms: string[];
}

/** Pushes the gated image under the plan's tags, with this run's login when there is one. */
export async function pushStage(
  settings: PushSettings,
  plan: Plan,
  build: BuiltImage,
  policy: PushPolicy,
  cacheWritten?: Promise<boolean>
): Promise<PushResult> {
  const registry = loginRegistry(settings, plan);
  const login = settings.username
    ? { registry, username: settings.username, password: settings.password }
    : undefined;
  const request = {
    plan,
    build,
    policy,
    overwriteReleaseTags: settings.overwriteReleaseTags,
    login,
    cacheWritten
  };
  if (settings.mode === 'platform')
    return core.group('Push by digest', () => pushByDigest(request, settings.platforms[0]));
  return core.group('Push', () => pushImages(request));
}
