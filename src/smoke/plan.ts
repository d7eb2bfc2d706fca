import { RUN_LABEL } from '../common/docker.js';

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

/** The inputs the smoke test reads (named as in Inputs). */
export interface SmokeSettings {
  healthCmd: string;
  smokePort: number | undefined;
  smokePath: string;
  smokeEnv: Record<string, string>;
  healthTimeoutMs: number;
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
  /**
   * The env-file `--env-file` names, when smoke-env is set: the values reach the container
   * only, never the docker CLI's own environment (where DOCKER_HOST would redirect it) or argv.
   */
  envFile?: { path: string; text: string };
}

export const NS_PER_MS = 1_000_000;
/** How often the health command runs during the smoke test, whatever the image says. */
export const PROBE_INTERVAL_MS = 1000;
const STABILITY_WINDOW_MS = 5000;
const DEFAULT_RETRIES = 3;
const HEALTH_CMD_START_PERIOD_MS = 5000;

const durationFlag = (ms: number): string => `${Math.max(1, Math.round(ms))}ms`;

/** What the daemon supports that the smoke test uses. */
export interface DaemonFeatures {
  /** `--health-start-interval` (API 1.44, Docker 25): probes inside the start period are paced by it, 5 s by default. */
  startInterval: boolean;
}

/** Probe flags for once a second, inside the start period too where the daemon paces that apart. */
const probeEverySecond = (daemon: DaemonFeatures): string[] => [
  '--health-interval',
  durationFlag(PROBE_INTERVAL_MS),
  ...(daemon.startInterval ? ['--health-start-interval', durationFlag(PROBE_INTERVAL_MS)] : [])
];

/**
 * Decides how to tell that the image works, and the `docker create` flags for it (pure).
 * An image's own HEALTHCHECK keeps its command, start period and retries but is probed every
 * second, so `--interval=30s` costs one second here instead of thirty.
 */
export function planSmoke(
  image: string,
  config: ImageConfig,
  options: SmokeSettings,
  name: string,
  label: string,
  daemon: DaemonFeatures,
  envFilePath: string
): SmokePlan {
  const args = ['create', '--name', name, '--label', `${RUN_LABEL}=${label}`];
  const entries = Object.entries(options.smokeEnv);
  const envFile =
    entries.length > 0
      ? { path: envFilePath, text: entries.map(([k, v]) => `${k}=${v}\n`).join('') }
      : undefined;
  if (envFile) args.push('--env-file', envFile.path);
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
    args.push(...probeEverySecond(daemon));
    args.push('--health-retries', String(hc?.Retries || DEFAULT_RETRIES));
    if (hc?.StartPeriod) args.push('--health-start-period', durationFlag(hc.StartPeriod / NS_PER_MS));
    if (hc?.Timeout) args.push('--health-timeout', durationFlag(hc.Timeout / NS_PER_MS));
    mode = { kind: 'healthcheck', test };
  } else if (options.healthCmd) {
    args.push('--health-cmd', options.healthCmd);
    args.push(...probeEverySecond(daemon));
    args.push('--health-retries', String(DEFAULT_RETRIES));
    args.push('--health-start-period', durationFlag(HEALTH_CMD_START_PERIOD_MS));
    mode = { kind: 'health-cmd', test: options.healthCmd };
  } else if (options.smokePort) {
    mode = { kind: 'http', port: options.smokePort, path: options.smokePath };
  } else {
    mode = { kind: 'stability', windowMs: Math.min(STABILITY_WINDOW_MS, options.healthTimeoutMs) };
  }
  args.push(image);
  return { mode, createArgs: args, envFile };
}

export interface DockerEvent {
  Action?: string;
  status?: string;
  timeNano?: number;
  Actor?: { Attributes?: Record<string, string> };
}

export type Outcome =
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
