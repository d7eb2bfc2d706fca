import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
export class RegistryError extends Error {
  status;
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');
/** Splits an image name the way Docker does: a first part with `.`/`:` or `localhost` is a host. */
export function parseImageName(name) {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, repository: name.slice(slash + 1) };
  }
  return { registry: 'docker.io', repository: slash < 0 ? `library/${name}` : name };
}
/** Docker allows plain HTTP to loopback registries; everything else is HTTPS. */
export function registryBaseUrl(registry) {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}
/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseChallenge(header) {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return { scheme, params };
}
/** Credentials for a registry from a Docker config (e.g. written by docker/login-action). */
export async function credentialsFromDockerConfig(registry, configDir) {
  const dir = configDir || process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  try {
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
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
const transient = status => status >= 500 || status === 429 || status === 408;
export class RegistryClient {
  ref;
  credentials;
  retry;
  base;
  authorization;
  constructor(
    ref,
    credentials,
    retry = {
      attempts: 4,
      baseMs: Number(process.env.SHIPSHAPE_RETRY_BASE_MS ?? 1000)
    }
  ) {
    this.ref = ref;
    this.credentials = credentials;
    this.retry = retry;
    this.base = registryBaseUrl(ref.registry);
  }
  /** One request with retries on 5xx/429/network errors and one re-auth on 401. */
  async request(method, url, headers = {}) {
    let lastError = '';
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      let response;
      try {
        response = await fetch(url, {
          method,
          headers: { ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
          signal: AbortSignal.timeout(30_000)
        });
      } catch (error) {
        lastError = `${error.message}${error.cause ? `: ${error.cause.message}` : ''}`;
        await this.backoff(attempt);
        continue;
      }
      if (response.status === 401 && (await this.authenticate(response))) {
        attempt--;
        continue;
      }
      if (transient(response.status) && attempt < this.retry.attempts) {
        lastError = `HTTP ${response.status}`;
        await response.body?.cancel();
        await this.backoff(attempt);
        continue;
      }
      return response;
    }
    throw new RegistryError(`${method} ${url} failed after ${this.retry.attempts} attempts: ${lastError}`);
  }
  async backoff(attempt) {
    if (attempt < this.retry.attempts)
      await new Promise(r => setTimeout(r, this.retry.baseMs * 2 ** (attempt - 1)));
  }
  /** Answers a 401 challenge once; returns false when there is nothing new to try. */
  async authenticate(response) {
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
    const body = await tokenResponse.json();
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token server ${url.origin} returned no token`);
    this.authorization = `Bearer ${token}`;
    return true;
  }
  denied(status, what) {
    return new RegistryError(
      `${what}: HTTP ${status} from ${this.ref.registry}. Check the credentials, and that the workflow grants ` +
        '`permissions: packages: write` (GHCR) or the token has access to this repository.',
      status
    );
  }
  async ping() {
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
  async tags() {
    const tags = [];
    let url = `${this.base}/v2/${this.ref.repository}/tags/list?n=1000`;
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
      const body = await response.json();
      tags.push(...(body.tags ?? []));
      const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      url = next ? new URL(next, this.base).toString() : undefined;
    }
    return tags;
  }
  /** The config digest (= local image id) of a single-platform manifest; undefined otherwise. */
  async configDigest(tag) {
    const response = await this.request('GET', `${this.base}/v2/${this.ref.repository}/manifests/${tag}`, {
      accept: MANIFEST_TYPES
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const manifest = await response.json();
    return manifest.config?.digest;
  }
  /** The manifest digest a tag points at, or undefined when the tag does not exist. */
  async digest(tag) {
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
