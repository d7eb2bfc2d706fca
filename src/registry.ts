import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { retry } from './retry.js';

/** A small client for the Distribution v2 API: ping, auth, tags, manifest HEAD. */

export interface Credentials {
  username: string;
  password: string;
}

export interface Reference {
  /** Registry host as written (`ghcr.io`, `127.0.0.1:5000`); `docker.io` for Hub names. */
  registry: string;
  repository: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
  }
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

/** Splits an image name the way Docker does: a first part with `.`/`:` or `localhost` is a host. */
export function parseImageName(name: string): Reference {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, repository: name.slice(slash + 1) };
  }
  return { registry: 'docker.io', repository: slash < 0 ? `library/${name}` : name };
}

/** Docker allows plain HTTP to loopback registries; everything else is HTTPS. */
export function registryBaseUrl(registry: string): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return { scheme, params };
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

const ATTEMPTS = 4;
const transient = (status: number): boolean => status >= 500 || status === 429 || status === 408;

/** A failure worth another attempt: the network, or a transient status. */
class TransientError extends Error {}

export class RegistryClient {
  private readonly base: string;
  private authorization: string | undefined;

  constructor(
    readonly ref: Reference,
    private readonly credentials: Credentials | undefined
  ) {
    this.base = registryBaseUrl(ref.registry);
  }

  private async send(method: string, url: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: { ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
        signal: AbortSignal.timeout(30_000)
      });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      throw new TransientError(`${(error as Error).message}${cause ? `: ${cause.message}` : ''}`);
    }
  }

  /** One request with retries on 5xx/429/network errors and one re-auth on 401. */
  private async request(
    method: string,
    url: string,
    headers: Record<string, string> = {}
  ): Promise<Response> {
    try {
      return await retry(
        async attempt => {
          let response = await this.send(method, url, headers);
          while (response.status === 401 && (await this.authenticate(response))) {
            response = await this.send(method, url, headers);
          }
          if (transient(response.status) && attempt < ATTEMPTS) {
            await response.body?.cancel();
            throw new TransientError(`HTTP ${response.status}`);
          }
          return response;
        },
        { attempts: ATTEMPTS, retryable: error => error instanceof TransientError }
      );
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      throw new RegistryError(`${method} ${url} failed after ${ATTEMPTS} attempts: ${error.message}`);
    }
  }

  /** Answers a 401 challenge once; returns false when there is nothing new to try. */
  private async authenticate(response: Response): Promise<boolean> {
    await response.body?.cancel();
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    const basic = this.credentials
      ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
      : undefined;
    if (challenge.scheme === 'basic') {
      if (!basic || this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return false;
    if (this.authorization?.startsWith('Bearer ')) return false;
    const url = new URL(challenge.params.realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? `repository:${this.ref.repository}:pull`);
    const tokenResponse = await fetch(url, {
      headers: basic ? { authorization: basic } : {},
      signal: AbortSignal.timeout(30_000)
    });
    if (!tokenResponse.ok) {
      throw new RegistryError(
        `token request to ${url.origin} was refused (HTTP ${tokenResponse.status})`,
        tokenResponse.status
      );
    }
    const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token server ${url.origin} returned no token`);
    this.authorization = `Bearer ${token}`;
    return true;
  }

  private denied(status: number, what: string): RegistryError {
    return new RegistryError(
      `${what}: HTTP ${status} from ${this.ref.registry}. Check the credentials, and that the workflow grants ` +
        '`permissions: packages: write` (GHCR) or the token has access to this repository.',
      status
    );
  }

  async ping(): Promise<void> {
    const response = await this.request('GET', `${this.base}/v2/`);
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403)
      throw this.denied(response.status, 'registry login');
    if (!response.ok)
      throw new RegistryError(
        `registry ${this.ref.registry} answered HTTP ${response.status}`,
        response.status
      );
  }

  /** Every tag of the repository, following `Link` pagination; empty when it does not exist. */
  async tags(): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `${this.base}/v2/${this.ref.repository}/tags/list?n=1000`;
    for (let page = 0; url && page < 1000; page++) {
      const response = await this.request('GET', url);
      if (response.status === 404) {
        await response.body?.cancel();
        return tags;
      }
      if (response.status === 401 || response.status === 403)
        throw this.denied(response.status, 'listing tags');
      if (!response.ok)
        throw new RegistryError(`tags/list answered HTTP ${response.status}`, response.status);
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      url = next ? new URL(next, this.base).toString() : undefined;
    }
    return tags;
  }

  /** The config digest (= local image id) of a single-platform manifest; undefined otherwise. */
  async configDigest(tag: string): Promise<string | undefined> {
    const response = await this.request('GET', `${this.base}/v2/${this.ref.repository}/manifests/${tag}`, {
      accept: MANIFEST_TYPES
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const manifest = (await response.json()) as { config?: { digest?: string } };
    return manifest.config?.digest;
  }

  /** The manifest digest a tag points at, or undefined when the tag does not exist. */
  async digest(tag: string): Promise<string | undefined> {
    const response = await this.request('HEAD', `${this.base}/v2/${this.ref.repository}/manifests/${tag}`, {
      accept: MANIFEST_TYPES
    });
    if (response.status === 404) return undefined;
    if (response.status === 401 || response.status === 403) throw this.denied(response.status, `HEAD ${tag}`);
    if (!response.ok)
      throw new RegistryError(`HEAD manifest ${tag} answered HTTP ${response.status}`, response.status);
    return response.headers.get('docker-content-digest') ?? undefined;
  }
}
