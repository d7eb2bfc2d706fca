// What `trivy image` scans: the image must exist where Trivy is told to look (the Docker daemon,
// a registry, a tar archive or an OCI layout), and the report is the recorded one of that image
// for the platform asked for. Recorded reports (test/fixtures/trivy) stand in for the DB lookup:
//   TRIVY_STANDIN_FIXTURE         reports of the local image, comma-separated, one per platform
//   TRIVY_STANDIN_FIXTURE_REMOTE  reports of an image read from a registry (the baseline)
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FatalError } from './db.mjs';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/trivy');
const DEFAULT_FIXTURE = path.join(FIXTURES, 'alpine-3.10.json');
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

/** `docker image inspect`, against `--docker-host` or the environment's DOCKER_HOST. */
function inDocker(image, flags) {
  const env = { ...process.env, ...(flags['docker-host'] ? { DOCKER_HOST: flags['docker-host'] } : {}) };
  try {
    execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    return undefined;
  } catch (error) {
    return `docker error: unable to inspect the image (${image}): ${String(error.stderr || error.message).trim()}`;
  }
}

/** The credentials go-containerregistry's default keychain would find: Trivy's flags, its env, the Docker config. */
function credentialsFor(host, flags) {
  const user = flags.username?.[0] || process.env.TRIVY_USERNAME;
  const password = flags.password?.[0] || process.env.TRIVY_PASSWORD;
  if (user && password) return { user, password };
  const dir = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  try {
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    const auth = config.auths?.[host]?.auth ?? config.auths?.[`https://${host}`]?.auth;
    if (!auth) return undefined;
    const decoded = Buffer.from(auth, 'base64').toString();
    const colon = decoded.indexOf(':');
    return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/** GET of the manifest, answering one Basic or Bearer challenge the way registry clients do. */
async function inRegistry(reference, flags) {
  const slash = reference.indexOf('/');
  const host = reference.slice(0, slash);
  const rest = reference.slice(slash + 1);
  const at = rest.indexOf('@');
  const colon = rest.lastIndexOf(':');
  const [repo, ref] =
    at >= 0
      ? [rest.slice(0, at), rest.slice(at + 1)]
      : colon >= 0
        ? [rest.slice(0, colon), rest.slice(colon + 1)]
        : [rest, 'latest'];
  const scheme = flags.insecure ? 'http' : 'https';
  const url = `${scheme}://${host}/v2/${repo}/manifests/${ref}`;
  const creds = credentialsFor(host, flags);
  const basic = creds && `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  try {
    let response = await fetch(url, {
      headers: { accept: MANIFEST_TYPES },
      signal: AbortSignal.timeout(10000)
    });
    const challenge = response.headers.get('www-authenticate') ?? '';
    if (response.status === 401 && /^basic/i.test(challenge) && basic) {
      response = await fetch(url, { headers: { accept: MANIFEST_TYPES, authorization: basic } });
    } else if (response.status === 401 && /^bearer/i.test(challenge)) {
      const param = name => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1];
      const tokenUrl = new URL(param('realm') ?? '');
      if (param('service')) tokenUrl.searchParams.set('service', param('service'));
      tokenUrl.searchParams.set('scope', param('scope') ?? `repository:${repo}:pull`);
      const tokenResponse = await fetch(tokenUrl, { headers: basic ? { authorization: basic } : {} });
      const body = await tokenResponse.json().catch(() => ({}));
      const token = body.token ?? body.access_token;
      if (token)
        response = await fetch(url, {
          headers: { accept: MANIFEST_TYPES, authorization: `Bearer ${token}` }
        });
    }
    await response.body?.cancel();
    return response.status === 200
      ? undefined
      : `remote error: GET ${url}: unexpected status code ${response.status}`;
  } catch (error) {
    return `remote error: GET ${url}: ${error.cause?.message ?? error.message}`;
  }
}

/** A tar archive (plain or gzip) or an OCI layout directory, as `--input` takes them. */
function inputError(input) {
  if (!existsSync(input)) return `unable to open ${input}: no such file or directory`;
  if (statSync(input).isDirectory()) {
    return existsSync(path.join(input, 'index.json'))
      ? undefined
      : `${input} is not an OCI layout: no index.json`;
  }
  const head = Buffer.alloc(263);
  const fd = openSync(input, 'r');
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const tar = read >= 262 && head.toString('latin1', 257, 262) === 'ustar';
  return gzip || tar ? undefined : `${input} is neither a tar archive nor a gzip-compressed one`;
}

/**
 * Checks that the artifact exists where Trivy would look, in `--image-src` order, and says
 * which kind of source served it (`local` or `remote`), as Trivy's image scan does.
 */
export async function locate(flags, args) {
  if (flags.input) {
    const error = inputError(flags.input);
    if (error) throw new FatalError(`image scan error: ${error}`);
    return { kind: 'local', name: flags.input };
  }
  if (args.length !== 1)
    throw new FatalError(`"trivy image" requires exactly 1 argument (got ${args.length})`);
  const [image] = args;
  const errors = [];
  for (const source of flags['image-src'] ?? ['docker', 'containerd', 'podman', 'remote']) {
    if (source === 'docker') {
      const error = inDocker(image, flags);
      if (!error) return { kind: 'local', name: image };
      errors.push(error);
    } else if (source === 'remote') {
      const error = await inRegistry(image, flags);
      if (!error) return { kind: 'remote', name: image };
      errors.push(error);
    } else {
      errors.push(`${source} error: no ${source} socket on this runner`);
    }
  }
  throw new FatalError(
    `image scan error: unable to find the specified image "${image}" in ${JSON.stringify(flags['image-src'] ?? [])}: ${errors.length} errors occurred:\n${errors.map(e => `\t* ${e}`).join('\n')}`
  );
}

const platformOf = report => {
  const config = report.Metadata?.ImageConfig ?? {};
  return `${config.os ?? 'linux'}/${config.architecture ?? 'amd64'}`;
};

/** The recorded report of the located image for `--platform` (or the runner's own platform). */
export function recordedReport(located, flags) {
  const variable = located.kind === 'remote' ? 'TRIVY_STANDIN_FIXTURE_REMOTE' : 'TRIVY_STANDIN_FIXTURE';
  const files = (process.env[variable] || process.env.TRIVY_STANDIN_FIXTURE || DEFAULT_FIXTURE).split(',');
  const reports = files.map(file => JSON.parse(readFileSync(file, 'utf8')));
  const wanted = flags.platform || 'linux/amd64';
  const [os_, arch] = wanted.split('/');
  const match = reports.find(r => platformOf(r) === `${os_}/${arch}`);
  if (!match) {
    const has = reports.map(platformOf).join(', ');
    throw new FatalError(`image scan error: no image for the platform ${wanted} (the image has ${has})`);
  }
  return structuredClone(match);
}
