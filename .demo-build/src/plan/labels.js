/** The OCI annotation keys (image-spec annotations.md) Shipshape fills from the repository. */
export function ociLabels(event, version, created) {
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
/** Parses `key=value` lines; the input name goes into every error. */
export function parseKeyValues(lines, input) {
  const out = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`input "${input}": "${line}" is not KEY=VALUE`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}
/** OCI labels plus the user's (which win on a clash), sorted by key like metadata-action. */
export function mergeLabels(oci, extra) {
  return Object.entries({ ...oci, ...extra })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`);
}
