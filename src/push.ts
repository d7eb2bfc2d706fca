import * as core from '@actions/core';
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from './docker.js';
import { isForkPullRequest, type GitHubEvent } from './event.js';
import type { Plan } from './plan/index.js';
import type { TagKind } from './plan/tags.js';
import { credentialsFromDockerConfig, parseImageName, RegistryClient, type Credentials } from './registry.js';
import { decideRelease, type WithheldTag } from './release.js';
import { saveDockerConfig } from './state.js';

export interface PushPolicy {
  push: boolean;
  /** Why not, or what is limited, for the summary. */
  reason: string;
  /** Only tags of these kinds go out (pull requests: pr-N and sha- tags). */
  kinds?: TagKind[];
}

/** Whether this run pushes, from the `push` input and the event (pure). */
export function pushPolicy(mode: 'auto' | 'true' | 'false', event: GitHubEvent, dryRun: boolean): PushPolicy {
  if (dryRun) return { push: false, reason: 'dry-run: nothing is pushed' };
  if (mode === 'false') return { push: false, reason: 'push: false' };
  if (mode === 'true') return { push: true, reason: 'push: true' };
  if (event.eventName.startsWith('pull_request')) {
    if (isForkPullRequest(event)) {
      return {
        push: false,
        reason:
          'pull request from a fork: its token cannot write packages, and an image built from unreviewed code is not published'
      };
    }
    return {
      push: true,
      reason: 'pull request from this repository: pr-N and sha- tags only',
      kinds: ['pr', 'sha']
    };
  }
  return { push: true, reason: `${event.eventName} event` };
}

export interface PushResult {
  pushed: boolean;
  /** One manifest digest per image name. */
  digests: Record<string, string>;
  /** Full references pushed. */
  tags: string[];
  unchanged: string[];
  withheld: WithheldTag[];
  durationMs: number;
}

const DENIED = /unauthorized|denied|authentication required|forbidden|\b40[13]\b/i;
const retryBaseMs = (): number => Number(process.env.SHIPSHAPE_RETRY_BASE_MS ?? 2000);
const PUSH_ATTEMPTS = 4;

/**
 * Logs in with the password on stdin into a Docker config dir of this run only, starting
 * from the credentials already configured (e.g. by docker/login-action).
 */
export async function login(registry: string, username: string, password: string): Promise<string> {
  core.setSecret(password);
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'shipshape-docker-config-'));
  saveDockerConfig(dir);
  const existing = path.join(process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
  await copyFile(existing, path.join(dir, 'config.json')).catch(() => undefined);
  const args = ['--config', dir, 'login', '--username', username, '--password-stdin'];
  if (registry !== 'docker.io') args.push(registry);
  const result = await docker(args, { input: Buffer.from(password) });
  if (result.exitCode !== 0) {
    const why = (result.stderr || result.stdout).trim().split('\n').pop() ?? '';
    throw new Error(`docker login to ${registry} as ${username} failed: ${why}`);
  }
  return dir;
}

async function pushWithRetry(reference: string, env: Record<string, string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const result = await docker(['push', reference], { env });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode === 0) {
      const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
      if (!digest) throw new Error(`docker push ${reference} reported no digest`);
      return digest;
    }
    const last = output.trim().split('\n').filter(Boolean).pop() ?? '';
    if (DENIED.test(output)) {
      throw new Error(
        `push of ${reference} was refused: ${last}. Check the registry credentials; for GHCR the workflow needs \`permissions: packages: write\`.`
      );
    }
    if (attempt >= PUSH_ATTEMPTS)
      throw new Error(`push of ${reference} failed after ${attempt} attempts: ${last}`);
    const delay = retryBaseMs() * 2 ** (attempt - 1);
    core.info(`push of ${reference} failed (${last}); retrying in ${delay} ms`);
    await new Promise(r => setTimeout(r, delay));
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
