import * as core from '@actions/core';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { retry } from '../common/retry.js';
import { RegistryAuth, RegistryError } from './auth.js';
import type { Credentials } from './credentials.js';
import { registryBaseUrl, type Reference } from './reference.js';

export { RegistryError } from './auth.js';

/** A client for the Distribution v2 API: tags, manifests and blobs of one repository. */

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
];

const ATTEMPTS = 4;
const transient = (status: number): boolean => status >= 500 || status === 429 || status === 408;

/** A failure worth another attempt: the network, or a transient status. */
class TransientError extends Error {}

interface RequestOptions {
  headers?: Record<string, string>;
  /** Made afresh for every attempt, so a stream can be sent again. */
  body?: () => RequestInit['body'];
}

export interface Manifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

/** The config digest a single-platform manifest names (= the local image id); undefined for an index. */
export const configOf = (manifest: Manifest): string | undefined =>
  (JSON.parse(manifest.bytes.toString()) as { config?: { digest?: string } }).config?.digest;

export class RegistryClient {
  readonly base: string;
  private readonly auth: RegistryAuth;

  constructor(
    readonly ref: Reference,
    credentials: Credentials | undefined
  ) {
    this.base = registryBaseUrl(ref.registry);
    this.auth = new RegistryAuth(new URL(this.base).origin, ref.repository, credentials);
  }

  private url(path: string): string {
    return `${this.base}/v2/${this.ref.repository}/${path}`;
  }

  private async send(method: string, url: string, options: RequestOptions): Promise<Response> {
    const body = options.body?.();
    try {
      return await fetch(url, {
        method,
        headers: { ...options.headers, ...this.auth.for(url) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(body ? 600_000 : 30_000),
        ...(body ? { duplex: 'half' } : {})
      });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      throw new TransientError(`${(error as Error).message}${cause ? `: ${cause.message}` : ''}`);
    }
  }

  /** One request with retries on 5xx/429/network errors, answering at most two 401 challenges. */
  private async request(method: string, url: string, options: RequestOptions = {}): Promise<Response> {
    try {
      return await retry(
        async attempt => {
          let response = await this.send(method, url, options);
          for (let round = 0; round < 2 && response.status === 401; round++) {
            const challenge = response.headers.get('www-authenticate') ?? '';
            await response.body?.cancel();
            if (!(await this.auth.answer(challenge))) return new Response(null, { status: 401 });
            response = await this.send(method, url, options);
          }
          if (transient(response.status) && attempt < ATTEMPTS) {
            await response.body?.cancel();
            throw new TransientError(`HTTP ${response.status}`);
          }
          return response;
        },
        {
          attempts: ATTEMPTS,
          retryable: error => error instanceof TransientError,
          onRetry: (error, delay) =>
            core.info(`${method} ${url} failed (${(error as Error).message}); retrying in ${delay} ms`)
        }
      );
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      throw new RegistryError(`${method} ${url} failed after ${ATTEMPTS} attempts: ${error.message}`);
    }
  }

  private denied(status: number, what: string): RegistryError {
    return new RegistryError(
      `${what}: HTTP ${status} from ${this.ref.registry}. Check the credentials, and that the workflow grants ` +
        '`permissions: packages: write` (GHCR) or the token has access to this repository.',
      status
    );
  }

  private async expect(response: Response, ok: number[], what: string): Promise<Response> {
    if (ok.includes(response.status)) return response;
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) throw this.denied(response.status, what);
    throw new RegistryError(`${what}: HTTP ${response.status} from ${this.ref.registry}`, response.status);
  }

  /**
   * Every tag of the repository, following `Link` pagination; empty when it does not exist.
   * Docker Hub answers a repository that does not exist yet with 401 even to a valid token:
   * the token server accepted the credentials, so that is a new repository, not a refusal.
   */
  async tags(): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = this.url('tags/list?n=1000');
    for (let page = 0; url && page < 1000; page++) {
      const response = await this.request('GET', url);
      if (response.status === 404 || (response.status === 401 && page === 0 && this.auth.tokenIssued)) {
        await response.body?.cancel();
        return tags;
      }
      await this.expect(response, [200], 'listing tags');
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = /<([^<>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      url = next ? new URL(next, this.base).toString() : undefined;
    }
    return tags;
  }

  /** A manifest or index as stored, or undefined when the reference does not exist. */
  async manifest(reference: string): Promise<Manifest | undefined> {
    const response = await this.request('GET', this.url(`manifests/${reference}`), {
      headers: { accept: MANIFEST_TYPES.join(', ') }
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    await this.expect(response, [200], `GET manifest ${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      mediaType: response.headers.get('content-type') ?? '',
      digest: response.headers.get('docker-content-digest') ?? '',
      bytes
    };
  }

  /** A blob's bytes (an image config); registries may redirect to storage, which gets no credentials. */
  async blob(digest: string): Promise<Buffer> {
    let response = await this.request('GET', this.url(`blobs/${digest}`));
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      response = await fetch(new URL(location, this.base), { signal: AbortSignal.timeout(30_000) });
    }
    await this.expect(response, [200], `GET blob ${digest}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** The config digest (= local image id) of a single-platform manifest; undefined otherwise. */
  async configDigest(tag: string): Promise<string | undefined> {
    const manifest = await this.manifest(tag).catch(() => undefined);
    return manifest && configOf(manifest);
  }

  /** The manifest digest a tag points at, or undefined when the tag does not exist. */
  async digest(tag: string): Promise<string | undefined> {
    const response = await this.request('HEAD', this.url(`manifests/${tag}`), {
      headers: { accept: MANIFEST_TYPES.join(', ') }
    });
    if (response.status === 404) return undefined;
    await this.expect(response, [200], `HEAD ${tag}`);
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.request('HEAD', this.url(`blobs/${digest}`));
    await response.body?.cancel();
    if (response.status === 404) return false;
    await this.expect(response, [200, 307], `HEAD blob ${digest}`);
    return true;
  }

  /**
   * Uploads one blob from a file (monolithic), or mounts it from another repository of the same
   * registry when `mountFrom` names one that holds it.
   */
  async uploadBlob(digest: string, size: number, file: string, mountFrom?: string): Promise<void> {
    const query = mountFrom ? `?mount=${digest}&from=${encodeURIComponent(mountFrom)}` : '';
    const started = await this.expect(
      await this.request('POST', this.url(`blobs/uploads/${query}`)),
      [201, 202],
      `upload of ${digest}`
    );
    await started.body?.cancel();
    if (started.status === 201) return;
    const location = new URL(started.headers.get('location') ?? '', this.base);
    location.searchParams.set('digest', digest);
    const done = await this.request('PUT', location.toString(), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: () => Readable.toWeb(createReadStream(file)) as ReadableStream
    });
    await (await this.expect(done, [201, 204], `upload of ${digest}`)).body?.cancel();
  }

  /** Stores a manifest or index under a tag or digest; returns the digest the registry gives it. */
  async putManifest(reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const response = await this.request('PUT', this.url(`manifests/${reference}`), {
      headers: { 'content-type': mediaType },
      body: () => new Uint8Array(bytes)
    });
    await (await this.expect(response, [201, 204], `PUT manifest ${reference}`)).body?.cancel();
    return response.headers.get('docker-content-digest') ?? '';
  }
}
