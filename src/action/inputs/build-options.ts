import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { splitPair } from '../../common/key-values.js';
import { bool, insideWorkspace, lines, list, type InputReader } from './readers.js';
import type { BuildOptions, BuildSecret } from '../../builder/contract.js';

/**
 * build-push-action's build inputs (`secrets`, `secret-envs`, `secret-files`, `ssh`,
 * `build-contexts`, `network`, `add-hosts`, `shm-size`, `ulimit`, `pull`), read in its grammar
 * and checked before anything is built. Errors name an entry by its number, never by its text:
 * it may hold a secret not yet masked.
 */

const SECRET_ID = /^[\w.-]{1,128}$/;
const ENV_NAME = /^[A-Za-z_]\w{0,127}$/;
const SSH_ID = /^[\w.-]{1,64}$/;
const CONTEXT_NAME = /^[\w./:@-]{1,256}$/;
const HOST_NAME = /^[\w.-]{1,253}$/;
const SHM_SIZE = /^\d{1,15}[bkmg]?$/i;
const ULIMIT =
  /^(core|cpu|data|fsize|locks|memlock|msgqueue|nice|nofile|nproc|rss|rtprio|rttime|sigpending|stack)=-?\d{1,19}(:-?\d{1,19})?$/;
/** Context sources buildx resolves itself; anything else is a directory of the workspace. */
const REMOTE_CONTEXT = /^(docker-image|oci-layout|target):|^(https?|git):\/\/|^git@/;
/** A secret file is read to mask its content; larger ones are passed on unread. */
const MASKED_FILE_BYTES = 1 << 20;

/**
 * The `secrets` input's entries: one per line, or a double-quoted entry that spans lines (a
 * PEM key), `""` inside quotes standing for a quote, as build-push-action reads them.
 */
export function secretEntries(text: string): string[] {
  const entries: string[] = [];
  let i = 0;
  while (i < text.length) {
    const end = text.indexOf('\n', i);
    const line = text.slice(i, end < 0 ? text.length : end);
    if (!line.trimStart().startsWith('"')) {
      if (line.trim()) entries.push(line.trim());
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    let entry = '';
    let j = text.indexOf('"', i) + 1;
    for (; j < text.length; j++) {
      if (text[j] !== '"') entry += text[j];
      else if (text[j + 1] === '"') entry += text[j++];
      else break;
    }
    if (j >= text.length)
      throw new Error(`input "secrets": entry ${entries.length + 1} has an unterminated quote`);
    entries.push(entry);
    const next = text.indexOf('\n', j);
    i = next < 0 ? text.length : next + 1;
  }
  return entries;
}

function pairs(entries: string[], input: string, shape: string): [string, string][] {
  return entries.map((entry, i) => {
    const pair = splitPair(entry);
    if (!pair) throw new Error(`input "${input}": entry ${i + 1} is not ${shape}`);
    return pair;
  });
}

function secretId(id: string, input: string, n: number): string {
  if (!SECRET_ID.test(id)) {
    throw new Error(`input "${input}": entry ${n} has an id that is not letters, digits, ".", "_" or "-"`);
  }
  return id;
}

function secrets(read: InputReader, workspace: string, env: NodeJS.ProcessEnv): BuildSecret[] {
  const values = pairs(secretEntries(read('secrets')), 'secrets', 'id=value').map(
    ([id, value], i): BuildSecret => ({ id: secretId(id, 'secrets', i + 1), value })
  );
  const envs = pairs(list(read('secret-envs')), 'secret-envs', 'id=ENV_NAME').map(
    ([id, name], i): BuildSecret => {
      const variable = name.trim();
      if (!ENV_NAME.test(variable)) {
        throw new Error(`input "secret-envs": entry ${i + 1} does not name an environment variable`);
      }
      if (env[variable] === undefined) {
        throw new Error(`input "secret-envs": ${variable} (for secret ${id}) is not set in the environment`);
      }
      return { id: secretId(id, 'secret-envs', i + 1), env: variable };
    }
  );
  const files = pairs(lines(read('secret-files')), 'secret-files', 'id=path').map(
    ([id, file], i): BuildSecret => {
      const resolved = path.resolve(workspace, file.trim());
      if (!existsSync(resolved) || !statSync(resolved).isFile()) {
        throw new Error(`input "secret-files": entry ${i + 1} (secret ${id}) names no file`);
      }
      return { id: secretId(id, 'secret-files', i + 1), file: resolved };
    }
  );
  const all = [...values, ...envs, ...files];
  const twice = all.find((s, i) => all.findIndex(o => o.id === s.id) !== i);
  if (twice)
    throw new Error(`inputs "secrets", "secret-envs", "secret-files": secret ${twice.id} is given twice`);
  return all;
}

function ssh(read: InputReader, workspace: string, env: NodeJS.ProcessEnv): string[] {
  return lines(read('ssh')).map((entry, i) => {
    const pair = splitPair(entry);
    const id = pair ? pair[0] : entry;
    if (!SSH_ID.test(id))
      throw new Error(`input "ssh": entry ${i + 1} does not start with an id such as default`);
    if (!pair) {
      if (!env.SSH_AUTH_SOCK) {
        throw new Error(
          `input "ssh": ${id} uses the SSH agent, and SSH_AUTH_SOCK is not set (start one, e.g. webfactory/ssh-agent)`
        );
      }
      return id;
    }
    const sources = pair[1].split(',').map(p => path.resolve(workspace, p.trim()));
    const missing = sources.findIndex(p => !existsSync(p));
    if (missing >= 0)
      throw new Error(`input "ssh": ${id} names a socket or key that does not exist (${missing + 1})`);
    return `${id}=${sources.join(',')}`;
  });
}

function buildContexts(read: InputReader, workspace: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs(lines(read('build-contexts')), 'build-contexts', 'name=source')) {
    if (!CONTEXT_NAME.test(name)) throw new Error(`input "build-contexts": "${name}" is not a context name`);
    const source = value.trim();
    if (!source) throw new Error(`input "build-contexts": ${name} has no source`);
    out[name] = REMOTE_CONTEXT.test(source) ? source : insideWorkspace(workspace, source, 'build-contexts');
    if (out[name] !== source && !existsSync(out[name])) {
      throw new Error(`input "build-contexts": ${name}: directory ${source} does not exist`);
    }
  }
  return out;
}

function addHosts(read: InputReader): string[] {
  return list(read('add-hosts')).map(entry => {
    const sep = entry.search(/[:=]/);
    const [host, ip] = sep > 0 ? [entry.slice(0, sep), entry.slice(sep + 1)] : [entry, ''];
    if (!HOST_NAME.test(host) || !(isIP(ip) || ip === 'host-gateway')) {
      throw new Error(`input "add-hosts": "${entry}" is not host:ip (or host=ip)`);
    }
    return `${host}:${ip}`;
  });
}

function matching(read: InputReader, input: string, shape: RegExp, example: string): string {
  const value = read(input).trim();
  if (value && !shape.test(value)) throw new Error(`input "${input}": "${value}" is not ${example}`);
  return value;
}

export function buildOptions(read: InputReader, workspace: string, env: NodeJS.ProcessEnv): BuildOptions {
  return {
    secrets: secrets(read, workspace, env),
    ssh: ssh(read, workspace, env),
    buildContexts: buildContexts(read, workspace),
    network: matching(read, 'network', /^(default|none|host)$/, 'default, none or host'),
    addHosts: addHosts(read),
    shmSize: matching(read, 'shm-size', SHM_SIZE, 'a size such as 2g'),
    ulimits: lines(read('ulimit')).map(u => {
      if (!ULIMIT.test(u))
        throw new Error(`input "ulimit": "${u}" is not type=soft[:hard], e.g. nofile=1024:2048`);
      return u;
    }),
    pull: bool(read, 'pull', false)
  };
}

/** The secret values a build's options carry, to mask and redact: files' contents too, when small. */
export function buildSecretValues(options: BuildOptions, env: NodeJS.ProcessEnv): string[] {
  return options.secrets.flatMap(secret => {
    if ('value' in secret) return [secret.value];
    if ('env' in secret) return [env[secret.env] ?? ''];
    if (statSync(secret.file).size > MASKED_FILE_BYTES) return [];
    return [readFileSync(secret.file, 'utf8').trim()];
  });
}
