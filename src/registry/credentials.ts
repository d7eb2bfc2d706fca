import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../common/process.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface DockerConfig {
  auths?: Record<string, { auth?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The keys a Docker config files a registry under (Docker Hub has its historical index URL). */
export const configKeys = (registry: string): string[] =>
  registry === 'docker.io'
    ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io']
    : [registry, `https://${registry}`];

/** Asks a docker-credential-<helper> for a registry's credentials, as the docker CLI does. */
async function fromHelper(helper: string, serverUrl: string): Promise<Credentials | undefined> {
  const result = await runProcess(`docker-credential-${helper}`, ['get'], {
    input: serverUrl,
    timeoutMs: 30_000
  }).catch(() => undefined);
  if (!result || result.exitCode !== 0) return undefined;
  const found = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  return found.Secret ? { username: found.Username ?? '', password: found.Secret } : undefined;
}

/**
 * Credentials for a registry from a Docker config (e.g. written by docker/login-action), in the
 * docker CLI's order: the registry's credHelper, else the credsStore, else the config's auths.
 */
export async function credentialsFromDockerConfig(
  registry: string,
  configDir?: string
): Promise<Credentials | undefined> {
  const dir = configDir || process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const keys = configKeys(registry);
  const key = keys.find(k => config.credHelpers?.[k] !== undefined);
  const helper = key ? config.credHelpers?.[key] : config.credsStore;
  if (helper) return fromHelper(helper, keys[0]);
  for (const k of keys) {
    const auth = config.auths?.[k]?.auth;
    if (auth) {
      const decoded = Buffer.from(auth, 'base64').toString();
      const colon = decoded.indexOf(':');
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  return undefined;
}
