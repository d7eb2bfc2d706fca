import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker, dockerOk, SMOKE_ENV_DIR_PREFIX } from '../common/docker.js';
import { verdict } from '../common/verdict.js';
import { logUntrusted } from '../common/untrusted.js';
import {
  NS_PER_MS,
  outcomeOf,
  planSmoke,
  type ImageConfig,
  type Outcome,
  type SmokeSettings
} from './plan.js';
import { describe } from './verdict.js';
import { probeHttp, watchEvents } from './watch.js';
import type { BuildResult } from '../builder/contract.js';
import type { SmokeResult } from './contract.js';

export type { SmokeSettings } from './plan.js';

const skipped = (message: string): SmokeResult => ({
  health: 'skipped',
  verdict: verdict('smoke test', 'skipped', message),
  mode: 'skipped',
  message
});

/** The smoke test of the built image, unless it is off or the image cannot run on this runner. */
export async function smokeStage(
  settings: SmokeSettings & { smokeTest: boolean },
  build: Pick<BuildResult, 'imageId' | 'runnable' | 'platforms' | 'builder'>,
  label: string
): Promise<SmokeResult> {
  if (!settings.smokeTest) return skipped('smoke-test: false');
  if (!build.runnable) {
    const result = skipped(
      `none of the platforms built (${build.platforms.join(', ')}) runs on this runner (${build.builder.native})`
    );
    core.warning(`Smoke test skipped: ${result.message}`);
    return result;
  }
  const result = await smokeTest(settings, build.imageId, label);
  logSmoke(result);
  return result;
}

/** Runs the built image and waits, without polling, for the verdict. Always removes the container. */
export async function smokeTest(settings: SmokeSettings, image: string, label: string): Promise<SmokeResult> {
  const [inspect, api] = await Promise.all([
    dockerOk(['image', 'inspect', '--format', '{{json .Config}}', image]),
    dockerOk(['version', '--format', '{{.Server.APIVersion}}'])
  ]);
  const config = JSON.parse(inspect) as ImageConfig;
  const name = `shipshape-smoke-${randomBytes(4).toString('hex')}`;
  const [major, minor] = api.trim().split('.').map(Number);
  const daemon = { startInterval: major > 1 || (major === 1 && minor >= 44) };
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), SMOKE_ENV_DIR_PREFIX));
  const plan = planSmoke(image, config, settings, name, label, daemon, path.join(dir, 'env'));
  let id: string;
  try {
    if (plan.envFile) await writeFile(plan.envFile.path, plan.envFile.text, { mode: 0o600 });
    id = (await dockerOk(plan.createArgs)).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const timeoutMs = settings.healthTimeoutMs;
  const stopHttp = new AbortController();
  let stopEvents = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const sinceSec = Date.now() / 1000 - 1;
    const deadline = Date.now() + timeoutMs;
    const outcome = new Promise<Outcome>(resolve => {
      stopEvents = watchEvents(id, sinceSec, deadline / 1000 + 5, event => {
        const o = outcomeOf(event);
        if (o) resolve(o);
      });
      timer = setTimeout(
        () => resolve(plan.mode.kind === 'stability' ? { kind: 'stable' } : { kind: 'deadline' }),
        plan.mode.kind === 'stability' ? plan.mode.windowMs : timeoutMs
      );
    });
    const startedAt = Date.now();
    await dockerOk(['start', id]);
    let verdict: Outcome;
    if (plan.mode.kind === 'http') {
      const published = (await dockerOk(['port', id, `${plan.mode.port}/tcp`])).split('\n')[0].trim();
      const url = `http://${published}${plan.mode.path}`;
      verdict = await Promise.race([
        outcome,
        probeHttp(url, stopHttp.signal).then((): Outcome => ({ kind: 'healthy' }))
      ]);
    } else {
      verdict = await outcome;
    }
    const decidedNs = BigInt(Date.now()) * 1_000_000n;
    const elapsed = Date.now() - startedAt;
    const latency =
      'atNs' in verdict && verdict.atNs ? Number(decidedNs - BigInt(verdict.atNs)) / NS_PER_MS : undefined;
    return await describe(verdict, plan.mode, id, elapsed, latency, timeoutMs);
  } finally {
    stopHttp.abort();
    stopEvents();
    if (timer) clearTimeout(timer);
    await docker(['rm', '--force', '--volumes', id]);
  }
}

/** Logs the verdict, with the evidence folded into a group. */
export function logSmoke(result: SmokeResult): void {
  if (result.verdict.status === 'passed') {
    if (result.health === 'no-healthcheck') core.warning(`Smoke test: ${result.message}`);
    else core.info(`Smoke test: ${result.message}`);
    return;
  }
  core.error(`Smoke test failed: ${result.message}`);
  if (result.evidence) {
    // Container logs and probe output come from the image: inert and redacted in the log.
    core.startGroup('Smoke test evidence');
    logUntrusted(result.evidence);
    core.endGroup();
  }
}
