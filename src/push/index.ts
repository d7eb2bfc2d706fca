import * as core from '@actions/core';
import { docker } from '../docker.js';
import { lastLines } from '../process.js';
import {
  credentialsFromDockerConfig,
  parseImageName,
  RegistryClient,
  type Credentials
} from '../registry.js';
import type { Plan, PushPolicy, PushResult } from '../results.js';
import { retry } from '../retry.js';
import { login } from './login.js';
import { decideRelease } from './release.js';

export { login } from './login.js';

const DENIED = /unauthorized|denied|authentication required|forbidden|\b40[13]\b/i;
const PUSH_ATTEMPTS = 4;

/** A failed `docker push`; `denied` ones are not retried. */
class PushFailure extends Error {
  constructor(
    readonly last: string,
    readonly denied: boolean
  ) {
    super(last);
  }
}

async function pushWithRetry(reference: string, env: Record<string, string>): Promise<string> {
  const once = async (): Promise<string> => {
    const result = await docker(['push', reference], { env });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0) throw new PushFailure(lastLines(output, 1), DENIED.test(output));
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
    if (!digest) throw new Error(`docker push ${reference} reported no digest`);
    return digest;
  };
  try {
    return await retry(once, {
      attempts: PUSH_ATTEMPTS,
      retryable: error => error instanceof PushFailure && !error.denied,
      onRetry: (error, delay) =>
        core.info(`push of ${reference} failed (${(error as Error).message}); retrying in ${delay} ms`)
    });
  } catch (error) {
    if (!(error instanceof PushFailure)) throw error;
    if (error.denied) {
      throw new Error(
        `push of ${reference} was refused: ${error.last}. Check the registry credentials; for GHCR the workflow needs \`permissions: packages: write\`.`
      );
    }
    throw new Error(`push of ${reference} failed after ${PUSH_ATTEMPTS} attempts: ${error.last}`);
  }
}

export interface PushRequest {
  plan: Plan;
  imageId: string;
  policy: PushPolicy;
  overwriteReleaseTags: boolean;
  /** Docker config dir with this run's login, if any. */
  dockerConfig?: string;
  login?: { registry: string } & Credentials;
}

/** Decides the tags per image (release safety), pushes them, and checks every tag's digest. */
export async function pushImages(req: PushRequest): Promise<PushResult> {
  const started = Date.now();
  const env: Record<string, string> = req.dockerConfig ? { DOCKER_CONFIG: req.dockerConfig } : {};
  const allowed = req.plan.tagNames.filter(
    t => !req.policy.kinds || req.policy.kinds.includes(req.plan.kinds[t])
  );
  const plans = await Promise.all(
    req.plan.images.map(async image => {
      const ref = parseImageName(image);
      const credentials =
        req.login && req.login.registry === ref.registry
          ? req.login
          : await credentialsFromDockerConfig(ref.registry, req.dockerConfig);
      const client = new RegistryClient(ref, credentials);
      const registryTags = await client.tags();
      const sameImage: Record<string, boolean> = {};
      for (const tag of allowed.filter(t => registryTags.includes(t) && req.plan.kinds[t] === 'semver')) {
        sameImage[tag] = (await client.configDigest(tag)) === req.imageId;
      }
      const decision = decideRelease({
        version: req.plan.version,
        tagNames: allowed,
        kinds: req.plan.kinds,
        registryTags,
        sameImage,
        overwriteReleaseTags: req.overwriteReleaseTags
      });
      return { image, client, decision };
    })
  );
  const conflicts = plans.flatMap(p => p.decision.conflicts.map(c => `${p.image}:${c.tag}: ${c.reason}`));
  if (conflicts.length > 0) throw new Error(`nothing pushed: ${conflicts.join('; ')}`);

  const result: PushResult = {
    pushed: false,
    digests: {},
    tags: [],
    unchanged: [],
    withheld: [],
    durationMs: 0
  };
  for (const { image, client, decision } of plans) {
    result.withheld.push(...decision.withheld.map(w => ({ tag: `${image}:${w.tag}`, reason: w.reason })));
    result.unchanged.push(...decision.unchanged.map(t => `${image}:${t}`));
    if (decision.push.length === 0) continue;
    // The first push uploads the layers; the other tags only add manifests, so they go together.
    const [first, ...rest] = decision.push;
    const digest = await pushWithRetry(`${image}:${first}`, env);
    const others = await Promise.all(rest.map(tag => pushWithRetry(`${image}:${tag}`, env)));
    others.forEach((pushed, i) => {
      if (pushed !== digest)
        throw new Error(`${image}:${rest[i]} pushed as ${pushed}, but ${image}:${first} as ${digest}`);
    });
    result.tags.push(...decision.push.map(tag => `${image}:${tag}`));
    // Confirm from the registry itself that every tag resolves to the one manifest.
    const seen = await Promise.all(decision.push.map(tag => client.digest(tag)));
    seen.forEach((d, i) => {
      if (d !== digest)
        throw new Error(
          `${image}:${decision.push[i]} resolves to ${d ?? 'nothing'} in the registry, expected ${digest}`
        );
    });
    result.digests[image] = digest;
  }
  result.pushed = result.tags.length > 0;
  result.durationMs = Date.now() - started;
  return result;
}

/** The inputs the push reads (named as in Inputs). */
export interface PushSettings {
  registry: string;
  username: string;
  password: string;
  overwriteReleaseTags: boolean;
}

/** Logs in when credentials are given, then pushes the gated image under the plan's tags. */
export async function pushStage(
  settings: PushSettings,
  plan: Plan,
  imageId: string,
  policy: PushPolicy
): Promise<PushResult> {
  let dockerConfig: string | undefined;
  let credentials: PushRequest['login'];
  if (settings.username) {
    const registry = settings.registry || parseImageName(plan.images[0]).registry;
    dockerConfig = await login(registry, settings.username, settings.password);
    credentials = { registry, username: settings.username, password: settings.password };
  }
  return core.group('Push', () =>
    pushImages({
      plan,
      imageId,
      policy,
      overwriteReleaseTags: settings.overwriteReleaseTags,
      dockerConfig,
      login: credentials
    })
  );
}
