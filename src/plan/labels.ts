import type { GitHubEvent } from '../action/event.js';
import { byCodeUnit } from '../common/compare.js';

/** The OCI annotation keys (image-spec annotations.md) Shipshape fills from the repository. */
export function ociLabels(event: GitHubEvent, version: string, created: Date): Record<string, string> {
  const repo = event.payload.repository ?? {};
  const url = repo.html_url ?? (event.repository ? `${event.serverUrl}/${event.repository}` : '');
  return {
    'org.opencontainers.image.title': repo.name ?? event.repository.split('/')[1] ?? '',
    'org.opencontainers.image.description': repo.description ?? '',
    'org.opencontainers.image.url': url,
    'org.opencontainers.image.source': url,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.created': created.toISOString(),
    'org.opencontainers.image.revision': event.sha,
    'org.opencontainers.image.licenses': repo.license?.spdx_id ?? ''
  };
}

/** OCI labels plus the user's (which win on a clash), sorted by key like metadata-action. */
export function mergeLabels(oci: Record<string, string>, extra: Record<string, string>): string[] {
  return Object.entries({ ...oci, ...extra })
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([key, value]) => `${key}=${value}`);
}
