/** Where an image name lives: Docker's rules for telling a registry host from a path. */
export interface Reference {
  /** Registry host as written (`ghcr.io`, `127.0.0.1:5000`); `docker.io` for Hub names. */
  registry: string;
  repository: string;
}

/** Splits an image name the way Docker does: a first part with `.`/`:` or `localhost` is a host. */
export function parseImageName(name: string): Reference {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, repository: name.slice(slash + 1) };
  }
  return { registry: 'docker.io', repository: slash < 0 ? `library/${name}` : name };
}

/** `host/repo:tag` → the image name and the tag. */
export function splitTag(reference: string): { image: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon < 0 || reference.indexOf('/', colon) >= 0) return { image: reference, tag: 'latest' };
  return { image: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}

/** `image:tag` or `image@digest` → the image name and what to ask the registry for. */
export function splitReference(reference: string): { image: string; ref: string } {
  const at = reference.indexOf('@');
  if (at >= 0) return { image: reference.slice(0, at), ref: reference.slice(at + 1) };
  const { image, tag } = splitTag(reference);
  return { image, ref: tag };
}

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host.startsWith('127.') || host === '[::1]';

/** Docker allows plain HTTP to loopback registries; everything else is HTTPS. */
export function registryBaseUrl(registry: string): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  return `${isLoopback(registry.replace(/:\d+$/, '')) ? 'http' : 'https'}://${registry}`;
}

/** Whether the registry of an image reference is reached over plain HTTP (tools need telling). */
export const plainHttp = (reference: string): boolean =>
  registryBaseUrl(parseImageName(reference).registry).startsWith('http:');
