import * as core from '@actions/core';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { docker, dockerOk } from './docker.js';

export type Health = 'healthy' | 'unhealthy' | 'no-healthcheck' | 'skipped';

/** The label every container Shipshape starts carries; the post step removes by it. */
export const RUN_LABEL = 'io.shipshape.run';

export interface ImageHealthcheck {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export interface ImageConfig {
  Healthcheck?: ImageHealthcheck | null;
  ExposedPorts?: Record<string, unknown> | null;
}

export interface SmokeOptions {
  healthCmd: string;
  smokePort: number | undefined;
  smokePath: string;
  smokeEnv: string[];
  timeoutMs: number;
}

export type SmokeMode =
  | { kind: 'healthcheck'; test: string }
  | { kind: 'health-cmd'; test: string }
  | { kind: 'http'; port: number; path: string }
  | { kind: 'stability'; windowMs: number };

export interface SmokePlan {
  mode: SmokeMode;
  /** `docker create` arguments, image last. */
  createArgs: string[];
  /** Environment for the docker CLI: smoke-env values travel here, never in argv. */
  env: Record<string, string>;
}

const NS_PER_MS = 1_000_000;
/** How often the health command runs during the smoke test, whatever the image says. */
export const PROBE_INTERVAL_MS = 1000;
const STABILITY_WINDOW_MS = 5000;
const DEFAULT_RETRIES = 3;
const HEALTH_CMD_START_PERIOD_MS = 5000;

const durationFlag = (ms: number): string => `${Math.max(1, Math.round(ms))}ms`;

/**
 * Decides how to tell that the image works, and the `docker create` flags for it (pure).
 * An image's own HEALTHCHECK keeps its command, start period and retries but is probed every
 * second, so `--interval=30s` costs one second here instead of thirty.
 */
export function planSmoke(
  image: string,
  config: ImageConfig,
  options: SmokeOptions,
  name: string,
  label: string
): SmokePlan {
  const args = ['create', '--name', name, '--label', `${RUN_LABEL}=${label}`];
  const env: Record<string, string> = {};
  for (const line of options.smokeEnv) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`input "smoke-env": "${line}" is not KEY=VALUE`);
    const key = line.slice(0, eq).trim();
    env[key] = line.slice(eq + 1);
    args.push('--env', key);
  }
  const ports = new Set<number>();
  for (const spec of Object.keys(config.ExposedPorts ?? {})) {
    const [port, proto = 'tcp'] = spec.split('/');
    if (proto === 'tcp') ports.add(Number(port));
  }
  if (options.smokePort) ports.add(options.smokePort);
  // Published on loopback only: a smoke test must never open the runner to the network.
  for (const port of [...ports].sort((a, b) => a - b)) args.push('--publish', `127.0.0.1::${port}`);

  const hc = config.Healthcheck;
  const own = hc?.Test && hc.Test.length > 0 && hc.Test[0] !== 'NONE' ? hc.Test : undefined;
  let mode: SmokeMode;
  if (own) {
    const test = own[0] === 'CMD-SHELL' ? (own[1] ?? '') : JSON.stringify(own.slice(1));
    args.push('--health-interval', durationFlag(PROBE_INTERVAL_MS));
    args.push('--health-retries', String(hc?.Retries || DEFAULT_RETRIES));
    if (hc?.StartPeriod) args.push('--health-start-period', durationFlag(hc.StartPeriod / NS_PER_MS));
    if (hc?.Timeout) args.push('--health-timeout', durationFlag(hc.Timeout / NS_PER_MS));
    mode = { kind: 'healthcheck', test };
  } else if (options.healthCmd) {
    args.push('--health-cmd', options.healthCmd);
    args.push('--health-interval', durationFlag(PROBE_INTERVAL_MS));
    args.push('--health-retries', String(DEFAULT_RETRIES));
    args.push('--health-start-period', durationFlag(HEALTH_CMD_START_PERIOD_MS));
    mode = { kind: 'health-cmd', test: options.healthCmd };
  } else if (options.smokePort) {
    mode = { kind: 'http', port: options.smokePort, path: options.smokePath };
  } else {
    mode = { kind: 'stability', windowMs: Math.min(STABILITY_WINDOW_MS, options.timeoutMs) };
  }
  args.push(image);
  return { mode, createArgs: args, env };
}

export interface SmokeResult {
  health: Health;
  passed: boolean;
  mode: SmokeMode['kind'] | 'skipped';
  /** Container start to healthy (or to the end of the stability window). */
  timeToHealthyMs?: number;
  /** From the daemon's health event to this decision. */
  decisionLatencyMs?: number;
  message: string;
  /** What the failure looked like: probe outputs, logs, exit code. */
  evidence?: string;
}

interface DockerEvent {
  Action?: string;
  status?: string;
  timeNano?: number;
  Actor?: { Attributes?: Record<string, string> };
}

type Outcome =
  | { kind: 'healthy'; atNs?: number }
  | { kind: 'unhealthy'; atNs?: number }
  | { kind: 'died'; exitCode: string }
  | { kind: 'oom' }
  | { kind: 'deadline' }
  | { kind: 'stable' };

/** What one daemon event means for the test, if anything (pure). */
export function outcomeOf(event: DockerEvent): Outcome | undefined {
  const action = event.Action ?? event.status ?? '';
  if (action === 'health_status: healthy') return { kind: 'healthy', atNs: event.timeNano };
  if (action === 'health_status: unhealthy') return { kind: 'unhealthy', atNs: event.timeNano };
  if (action === 'oom') return { kind: 'oom' };
  if (action === 'die') return { kind: 'died', exitCode: event.Actor?.Attributes?.exitCode ?? '?' };
  return undefined;
}

/**
 * Follows the daemon's event stream for one container. `--since` replays what happened
 * before the subscription, and `--until` ends the stream on its own even if this process is
 * killed, so no `docker events` is ever left behind.
 */
function watchEvents(
  containerId: string,
  sinceSec: number,
  untilSec: number,
  onEvent: (e: DockerEvent) => void
): () => void {
  const child = spawn(
    'docker',
    [
      'events',
      '--since',
      sinceSec.toFixed(3),
      '--until',
      untilSec.toFixed(3),
      '--filter',
      `container=${containerId}`,
      '--filter',
      'event=health_status',
      '--filter',
      'event=die',
      '--filter',
      'event=oom',
      '--format',
      '{{json .}}'
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] }
  );
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      try {
        onEvent(JSON.parse(line) as DockerEvent);
      } catch {
        core.debug(`unreadable docker event: ${line}`);
      }
    }
  });
  return () => child.kill();
}

/** GETs http://127.0.0.1:<port><path> until 2xx/3xx; resolves when it answers so. */
async function probeHttp(url: string, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    try {
      const response = await fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.any([stop, AbortSignal.timeout(2000)])
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 400) return;
    } catch {
      // Not listening yet: try again shortly.
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function evidenceFor(id: string, outcome: Outcome): Promise<string> {
  const parts: string[] = [];
  const state = await docker(['inspect', '--format', '{{json .State}}', id]);
  if (state.exitCode === 0) {
    const parsed = JSON.parse(state.stdout) as {
      ExitCode?: number;
      OOMKilled?: boolean;
      Health?: { Log?: { ExitCode: number; Output: string; End: string }[] };
    };
    const probes = (parsed.Health?.Log ?? []).slice(-5);
    if (probes.length > 0) {
      parts.push(
        '**Last health probes**',
        probes.map(p => `exit ${p.ExitCode} at ${p.End}\n${p.Output.trim() || '(no output)'}`).join('\n---\n')
      );
    }
    if (outcome.kind === 'died' || outcome.kind === 'oom') {
      parts.push(`**Exit code** ${parsed.ExitCode ?? '?'}${parsed.OOMKilled ? ' (OOM-killed)' : ''}`);
    }
  }
  const logs = await docker(['logs', '--tail', '100', id]);
  const text = `${logs.stdout}${logs.stderr}`.trim();
  parts.push('**Last 100 log lines**', text || '(no output)');
  return parts.join('\n\n');
}

export interface SmokeRun {
  image: string;
  label: string;
  options: SmokeOptions;
}

/** Runs the built image and waits, without polling, for the verdict. Always removes the container. */
export async function smokeTest(run: SmokeRun): Promise<SmokeResult> {
  const inspect = await dockerOk(['image', 'inspect', '--format', '{{json .Config}}', run.image]);
  const config = JSON.parse(inspect) as ImageConfig;
  const name = `shipshape-smoke-${randomBytes(4).toString('hex')}`;
  const plan = planSmoke(run.image, config, run.options, name, run.label);
  const id = (await dockerOk(plan.createArgs, { env: plan.env })).trim();
  const stopHttp = new AbortController();
  let stopEvents = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const sinceSec = Date.now() / 1000 - 1;
    const deadline = Date.now() + run.options.timeoutMs;
    const outcome = new Promise<Outcome>(resolve => {
      stopEvents = watchEvents(id, sinceSec, deadline / 1000 + 5, event => {
        const o = outcomeOf(event);
        if (o) resolve(o);
      });
      timer = setTimeout(
        () => resolve(plan.mode.kind === 'stability' ? { kind: 'stable' } : { kind: 'deadline' }),
        plan.mode.kind === 'stability' ? plan.mode.windowMs : run.options.timeoutMs
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
    return await describe(verdict, plan.mode, id, elapsed, latency, run.options.timeoutMs);
  } finally {
    stopHttp.abort();
    stopEvents();
    if (timer) clearTimeout(timer);
    await docker(['rm', '--force', '--volumes', id]);
  }
}

async function describe(
  verdict: Outcome,
  mode: SmokeMode,
  id: string,
  elapsedMs: number,
  latencyMs: number | undefined,
  timeoutMs: number
): Promise<SmokeResult> {
  const how =
    mode.kind === 'healthcheck'
      ? 'its HEALTHCHECK'
      : mode.kind === 'health-cmd'
        ? `health-cmd ${mode.test}`
        : mode.kind === 'http'
          ? `GET ${mode.path} on port ${mode.port}`
          : 'no health check';
  switch (verdict.kind) {
    case 'healthy':
      return {
        health: 'healthy',
        passed: true,
        mode: mode.kind,
        timeToHealthyMs: elapsedMs,
        decisionLatencyMs: latencyMs,
        message: `healthy in ${(elapsedMs / 1000).toFixed(1)} s (${how})`
      };
    case 'stable':
      return {
        health: 'no-healthcheck',
        passed: true,
        mode: mode.kind,
        timeToHealthyMs: elapsedMs,
        message: `the image has no HEALTHCHECK; it was still running after ${(elapsedMs / 1000).toFixed(1)} s. Add a HEALTHCHECK (or set health-cmd or smoke-port) so the smoke test can tell that it works.`
      };
    case 'unhealthy':
      return {
        health: 'unhealthy',
        passed: false,
        mode: mode.kind,
        message: `the container became unhealthy after ${(elapsedMs / 1000).toFixed(1)} s (${how})`,
        evidence: await evidenceFor(id, verdict)
      };
    case 'oom':
      return {
        health: 'unhealthy',
        passed: false,
        mode: mode.kind,
        message: 'the container was killed for running out of memory (OOM)',
        evidence: await evidenceFor(id, verdict)
      };
    case 'died':
      return {
        health: 'unhealthy',
        passed: false,
        mode: mode.kind,
        message: `the container exited with code ${verdict.exitCode} after ${(elapsedMs / 1000).toFixed(1)} s, before it was healthy`,
        evidence: await evidenceFor(id, verdict)
      };
    case 'deadline':
      return {
        health: 'unhealthy',
        passed: false,
        mode: mode.kind,
        message: `not healthy within health-timeout ${(timeoutMs / 1000).toFixed(0)} s (${how})`,
        evidence: await evidenceFor(id, verdict)
      };
  }
}

/** Logs the verdict, with the evidence folded into a group. */
export function logSmoke(result: SmokeResult): void {
  if (result.passed) {
    if (result.health === 'no-healthcheck') core.warning(`Smoke test: ${result.message}`);
    else core.info(`Smoke test: ${result.message}`);
    return;
  }
  core.error(`Smoke test failed: ${result.message}`);
  if (result.evidence) {
    core.startGroup('Smoke test evidence');
    core.info(result.evidence);
    core.endGroup();
  }
}

/** Removes every container a run left behind (post step; cancellation, crashes). */
export async function removeRunContainers(label: string): Promise<number> {
  const list = await docker(['ps', '--all', '--quiet', '--filter', `label=${RUN_LABEL}=${label}`]);
  const ids = list.stdout
    .split('\n')
    .map(s => s.trim())
    .filter(Boolean);
  if (ids.length > 0) await docker(['rm', '--force', '--volumes', ...ids]);
  return ids.length;
}
