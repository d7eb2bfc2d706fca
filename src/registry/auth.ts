import type { Credentials } from './credentials.js';
import { isLoopback } from './reference.js';

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
  }
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(?<!\w)(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return { scheme, params };
}

const basicHeader = (c: Credentials): string =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

/**
 * The Authorization header for one registry: Basic, or a Bearer token from the registry's token
 * server. The header goes only to the registry's own origin; the credentials go only to it and
 * to a token server reached over HTTPS (or on loopback).
 */
export class RegistryAuth {
  private header: string | undefined;

  /** Whether the registry's token server issued a token: a 401 after that is about access, not credentials. */
  get tokenIssued(): boolean {
    return this.header?.startsWith('Bearer ') === true;
  }

  constructor(
    private readonly origin: string,
    private readonly repository: string,
    private readonly credentials: Credentials | undefined
  ) {}

  /** The header for a request to `url`; none for any other origin (a Link, a redirect, an upload URL). */
  for(url: string): Record<string, string> {
    return this.header && new URL(url).origin === this.origin ? { authorization: this.header } : {};
  }

  /**
   * Answers a 401 challenge. A Bearer challenge always gets a fresh token for the scope it
   * names: the old one may have expired, or covered only pulls. Returns false when nothing
   * new can be tried (no credentials for Basic, or the same Basic header was refused).
   */
  async answer(challengeHeader: string): Promise<boolean> {
    const challenge = parseChallenge(challengeHeader);
    if (challenge.scheme === 'basic') {
      if (!this.credentials) return false;
      const basic = basicHeader(this.credentials);
      if (this.header === basic) return false;
      this.header = basic;
      return true;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return false;
    this.header = `Bearer ${await this.token(challenge.params)}`;
    return true;
  }

  private async token(params: Record<string, string>): Promise<string> {
    const url = new URL(params.realm);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new RegistryError(
        `the registry's token server ${url.origin} is not HTTPS: refusing to send credentials`
      );
    }
    if (params.service) url.searchParams.set('service', params.service);
    for (const scope of (params.scope ?? `repository:${this.repository}:pull`).split(' ')) {
      url.searchParams.append('scope', scope);
    }
    const response = await fetch(url, {
      headers: this.credentials ? { authorization: basicHeader(this.credentials) } : {},
      redirect: 'error',
      signal: AbortSignal.timeout(30_000)
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryError(
        `token request to ${url.origin} was refused (HTTP ${response.status})`,
        response.status
      );
    }
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token server ${url.origin} returned no token`);
    return token;
  }
}
