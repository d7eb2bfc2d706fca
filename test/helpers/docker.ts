import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listenLocally } from './listen.js';

const execFileP = promisify(execFile);

/** The repository: the nearest folder up from here with action.yml (also from a compiled copy in .build/). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'action.yml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no action.yml above ${from}`);
  }
}
export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

export const BUSYBOX = 'shipshape.local/busybox:1';
export const PYTHON_BASE = 'shipshape.local/python-base:3';

/** Runs docker and returns stdout; throws with stderr on failure. */
export async function docker(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await execFileP('docker', args, { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Makes sure a daemon answers and the local base images exist (pulled when possible, built
 * from Debian packages otherwise). Runs scripts/provision.sh, which is idempotent.
 */
export async function ensureDocker(): Promise<void> {
  try {
    await docker(['image', 'inspect', BUSYBOX, PYTHON_BASE]);
    return;
  } catch {
    await execFileP('bash', [path.join(ROOT, 'scripts/provision.sh')], { maxBuffer: 16 * 1024 * 1024 });
  }
}

/**
 * An address on 127.0.0.1 where every connection is reset at once (a proxy that refuses): the
 * server holds the port for as long as the test needs it, so nothing else can take it.
 */
export async function refusingEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = net.createServer(socket => socket.resetAndDestroy());
  const port = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}

/**
 * A TCP relay on 127.0.0.1 to a local `target` port that, once `cutAfter` bytes have gone from the
 * clients towards the server, forwards nothing more, calls `onCut` (a test kills the server
 * there) and drops every connection it holds; later connections relay again. So a crash lands
 * at a byte count, not wherever a poll of a log happens to notice.
 */
export async function cuttingRelay(
  target: number,
  cutAfter: number,
  onCut: () => void
): Promise<{ host: string; close: () => Promise<void> }> {
  const open = new Set<net.Socket>();
  let sent = 0;
  let cut = false;
  const server = net.createServer(client => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (!cut && sent + chunk.length >= cutAfter) {
        cut = true;
        onCut();
        for (const socket of open) socket.destroy();
        return;
      }
      sent += chunk.length;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    client.on('end', () => upstream.end());
  });
  const port = await listenLocally(server);
  return {
    host: `127.0.0.1:${port}`,
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise(resolve => server.close(() => resolve()));
    }
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15000,
  stepMs = 100
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, stepMs));
  }
}

export interface Registry {
  host: string;
  port: number;
  dir: string;
  /** Everything the registry logged (one JSON or text line per request). */
  log: () => string;
  stop: () => Promise<void>;
  /** SIGKILL, as a crash would; restart() brings it back on the same port and storage. */
  kill: () => Promise<void>;
  restart: () => Promise<void>;
}

export interface RegistryOptions {
  /** Extra YAML placed under `auth:` (htpasswd or token). */
  auth?: string;
  /** Reads work, every write is refused (Distribution's read-only maintenance mode). */
  readOnly?: boolean;
}

/**
 * A Distribution v2 registry (the docker-registry package) on 127.0.0.1: it binds a port of its
 * own choosing and says which in its log; a restart takes the same port back.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-registry-'));
  const config = (port: number): string =>
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${dir}/data`,
      '  delete:',
      '    enabled: true',
      ...(options.readOnly ? ['  maintenance:', '    readonly:', '      enabled: true'] : []),
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(options.auth ? ['auth:', options.auth] : [])
    ].join('\n');
  let output = '';
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (): Promise<void> => {
    await writeFile(path.join(dir, 'config.yml'), config(port));
    const from = output.length;
    child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    port = await waitFor('the registry to say where it listens', () =>
      Promise.resolve(Number(/listening on 127\.0\.0\.1:(\d+)/.exec(output.slice(from))?.[1]) || undefined)
    );
    await waitFor(`registry on 127.0.0.1:${port}`, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      return res.status === 200 || res.status === 401 ? true : undefined;
    });
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>(resolve => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };
  await launch();
  return {
    host: `127.0.0.1:${port}`,
    port,
    dir,
    log: () => output,
    stop: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => stop('SIGKILL'),
    restart: async () => {
      await stop();
      await launch();
    }
  };
}

/**
 * Removes the tags matching a reference pattern (test cleanup). By name, never by image ID:
 * another suite may hold the same image (the same build, cached) under its own tags.
 */
export async function removeImages(reference: string): Promise<void> {
  const names = await docker([
    'images',
    '--filter',
    `reference=${reference}`,
    '--format',
    '{{.Repository}}:{{.Tag}}'
  ]).catch(() => '');
  const tags = [...new Set(names.split('\n').filter(n => n && !n.endsWith(':<none>')))];
  if (tags.length > 0) await docker(['rmi', ...tags]).catch(() => '');
}

/** Builds a context-less test image from Dockerfile text (BuildKit when the CLI has it). */
export async function buildTestImage(tag: string, dockerfile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['build', '-q', '-t', tag, '-'], {
      env: process.env,
      stdio: ['pipe', 'pipe', 'pipe']
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', code =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`build of ${tag} failed: ${err}`))
    );
    child.stdin.end(dockerfile);
  });
}

/** Containers carrying a label key (optionally with a value), running or not. */
export async function containersWithLabel(label: string): Promise<string[]> {
  const out = await docker(['ps', '--all', '--quiet', '--filter', `label=${label}`]);
  return out.split('\n').filter(Boolean);
}

export const FIXTURES = path.join(ROOT, 'test/fixtures/trivy');
/** The Trivy project's own recorded reports, beside the repository when it is checked out in the workspace (CI). */
export const SHARED_TRIVY_FIXTURES = path.resolve(ROOT, '../shared/fixtures/trivy');
export const STANDIN_BIN = path.join(ROOT, 'test/bin');

export interface FileServer {
  url: string;
  hits: string[];
  close: () => Promise<void>;
}

/** A static HTTP server on 127.0.0.1 serving the given path → content map (404 otherwise). */
export async function serveFiles(files: Map<string, Buffer>): Promise<FileServer> {
  const { createServer } = await import('node:http');
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  const port = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}

/** The image store of the engine the tests run on (DOCKER_HOST). */
export async function engineStore(): Promise<'classic' | 'containerd'> {
  return (await docker(['info', '--format', '{{json .DriverStatus}}'])).includes('io.containerd.snapshotter')
    ? 'containerd'
    : 'classic';
}
