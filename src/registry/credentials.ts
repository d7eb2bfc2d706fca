import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Credentials {
  username: string;
  password: string;
}

/** Credentials for a registry from a Docker config (e.g. written by docker/login-action). */
export async function credentialsFromDockerConfig(
  registry: string,
  configDir?: string
): Promise<Credentials | undefined> {
  const dir = configDir || process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  try {
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as {
      auths?: Record<string, { auth?: string }>;
    };
    const keys =
      registry === 'docker.io'
        ? ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']
        : [registry, `https://${registry}`];
    for (const key of keys) {
      const auth = config.auths?.[key]?.auth;
      if (auth) {
        const decoded = Buffer.from(auth, 'base64').toString();
        const colon = decoded.indexOf(':');
        return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
    }
  } catch {
    // No config, or unreadable: anonymous.
  }
  return undefined;
}
