import { isAnnotationLevel } from '../../common/annotation-levels.js';
import { csvPairs } from '../../common/key-values.js';
import { SEVERITIES, toSeverity, type Severity } from '../../common/severity.js';
import type { CacheSpec, ProvenanceMode } from '../../builder/contract.js';
import type { SbomFormat } from '../../supply-chain/contract.js';
import { list, type InputReader } from './readers.js';

/** The grammars of the inputs that are more than a word, a flag or a list: each parsed, or refused by name. */

export function severities(read: InputReader): Severity[] {
  const values = list(read('severity') || SEVERITIES.join(','));
  return values.map(v => {
    const match = toSeverity(v);
    if (!match) throw new Error(`input "severity": unknown severity "${v}" (use ${SEVERITIES.join(', ')})`);
    return match;
  });
}

const CACHE_TYPES: CacheSpec['type'][] = ['registry', 'local', 'inline', 'gha', 's3', 'azblob'];

/**
 * The credential attributes buildx also takes from its environment: Shipshape moves them there,
 * so they are on no command line (`ps`), in no report and in no message.
 */
const CREDENTIAL_ENV: Record<string, Record<string, string>> = {
  s3: { secret_access_key: 'AWS_SECRET_ACCESS_KEY', session_token: 'AWS_SESSION_TOKEN' },
  gha: { token: 'ACTIONS_RUNTIME_TOKEN' }
};
const CREDENTIAL = /secret|token|password|credential|key$/i;

/** One cache entry as docker/build-push-action reads it: `user/app:cache` or `type=…,key=value,…`. */
export function parseCacheSpec(line: string, input: 'cache-from' | 'cache-to'): CacheSpec {
  const fields = line.includes('=') ? csvPairs(line) : [];
  // Messages quote the line with every credential's value hidden (it is not masked yet), and a
  // field that is not key=value hidden too: it may be a value pasted without its key.
  const shown =
    fields.map(f => (!f.key ? '…' : CREDENTIAL.test(f.key) ? `${f.key}=***` : f.field)).join(',') || line;
  const fail = (why: string): Error => new Error(`input "${input}": "${shown}" ${why}`);
  if (!line.includes('=')) return { type: 'registry', attrs: { ref: line } };
  const attrs: Record<string, string> = {};
  for (const { key, value } of fields) {
    if (key === undefined) throw fail('has a field that is not key=value');
    attrs[key] = value;
  }
  const type = (attrs.type ?? (attrs.ref ? 'registry' : '')) as CacheSpec['type'];
  delete attrs.type;
  if (!CACHE_TYPES.includes(type)) throw fail(`needs type= one of ${CACHE_TYPES.join(', ')}`);
  if (type === 'registry' && !attrs.ref) throw fail('needs ref= (the cache image)');
  const dir = input === 'cache-from' ? 'src' : 'dest';
  if (type === 'local' && !attrs[dir]) throw fail(`needs ${dir}= (a directory)`);
  if (attrs.mode !== undefined && !['min', 'max'].includes(attrs.mode))
    throw fail('has mode= other than min or max');
  const env: Record<string, string> = {};
  for (const key of Object.keys(attrs).filter(k => CREDENTIAL.test(k))) {
    const variable = CREDENTIAL_ENV[type]?.[key];
    if (!variable)
      throw fail(
        `has ${key}=, a credential buildx can only take on its command line: give it through the builder's own configuration`
      );
    env[variable] = attrs[key];
    delete attrs[key];
  }
  return Object.keys(env).length > 0 ? { type, attrs, env } : { type, attrs };
}

export function provenance(read: InputReader): ProvenanceMode {
  const value = read('provenance').trim().toLowerCase();
  const modes: Record<string, ProvenanceMode> = {
    '': 'auto',
    false: 'false',
    true: 'min',
    'mode=min': 'min',
    'mode=max': 'max'
  };
  const mode = modes[value];
  if (!mode) throw new Error(`input "provenance" must be false, true, mode=min or mode=max; got "${value}"`);
  return mode;
}

export function port(read: InputReader): number | undefined {
  const value = read('smoke-port').trim();
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`input "smoke-port" must be a port number 1-65535; got "${value}"`);
  }
  return n;
}

const SBOM_FORMATS: SbomFormat[] = ['cyclonedx', 'spdx'];

export function sbomFormats(read: InputReader): SbomFormat[] {
  const values = list(read('sbom-format') || SBOM_FORMATS.join(','));
  for (const v of values) {
    if (!SBOM_FORMATS.includes(v as SbomFormat)) {
      throw new Error(`input "sbom-format": unknown format "${v}" (use ${SBOM_FORMATS.join(', ')})`);
    }
  }
  return [...new Set(values)] as SbomFormat[];
}

/** Where annotations go: `manifest` unless DOCKER_METADATA_ANNOTATIONS_LEVELS says otherwise. */
export function annotationLevels(value = ''): string[] {
  const levels = list(value || 'manifest');
  const bad = levels.find(level => !isAnnotationLevel(level));
  if (bad) {
    throw new Error(
      `DOCKER_METADATA_ANNOTATIONS_LEVELS: unknown level "${bad}" (manifest, index, manifest-descriptor, index-descriptor, optionally with [os/arch])`
    );
  }
  return levels;
}

const SHORT_SHA = 7;

/** The length of `{{sha}}` and type=sha's short form; a length beyond the SHA's gives all of it. */
export function shortShaLength(value = ''): number {
  if (!value.trim()) return SHORT_SHA;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`DOCKER_METADATA_SHORT_SHA_LENGTH must be a positive whole number; got "${value}"`);
  }
  return n;
}

/** A value printed in the log and passed to docker: one line, no control character. */
export function oneLine(value: string, name: string): string {
  if (/\p{Cc}|[\u2028\u2029]/u.test(value))
    throw new Error(`input "${name}" must be one line with no control characters`);
  return value;
}

/** A buildx builder's name, as `docker buildx create --name` takes one, or empty. */
export function builderName(value: string): string {
  if (value && !/^[A-Za-z0-9][\w.-]{0,63}$/.test(value)) {
    throw new Error(`input "builder": "${oneLine(value, 'builder')}" is not a buildx builder name`);
  }
  return value;
}

/** The path the smoke test probes: from `/`, one line. */
export function smokePath(read: InputReader): string {
  const value = oneLine(read('smoke-path') || '/', 'smoke-path');
  if (!value.startsWith('/') || value.length > 2048)
    throw new Error(
      `input "smoke-path" must start with / (at most 2048 characters); got "${value.slice(0, 100)}"`
    );
  return value;
}

/**
 * A tool's release as its assets name it (`0.74.0`, `0.75.0-rc.1`; a leading v dropped): it
 * becomes part of the download URL, so nothing else (a slash, a `..`, a `+`) may reach it. A
 * pattern, not semver, whose regexes take 2.5 ms to compile before the first docker call.
 */
const RELEASE_VERSION =
  /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(-[0-9A-Za-z-]{1,32}(\.[0-9A-Za-z-]{1,32}){0,7})?$/;

export function releaseVersion(value: string, name: string): string {
  const version = value.trim().replace(/^v/, '');
  if (!RELEASE_VERSION.test(version))
    throw new Error(`input "${name}" must be a release version such as 0.74.0; got "${value.slice(0, 100)}"`);
  return version;
}
