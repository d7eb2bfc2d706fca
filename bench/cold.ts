// A cold runner, as a GitHub-hosted one starts: a Docker daemon of its own with an empty data
// root (no images, no build cache), on its own socket and bridge, thrown away afterwards.
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sh } from './measure.js';

export interface ColdDaemon {
  host: string;
  /** PATH with the engine's docker CLI first. */
  path: string;
  stop: () => Promise<void>;
}

const BRIDGE = 'shipshape-bn';

export async function coldDaemon(store: 'classic' | 'containerd', engineRoot: string): Promise<ColdDaemon> {
  const name = `bench-${store}`;
  const dataRoot = `/var/lib/shipshape/${name}`;
  const host = `unix:///run/shipshape/${name}.sock`;
  const bin = `${engineRoot}/usr/bin:${engineRoot}/usr/sbin:${process.env.PATH ?? ''}`;
  // dockerd mounts its data root on itself; a bench killed mid-run leaves that mount behind.
  await sh(`! mountpoint -q ${dataRoot} || umount -R ${dataRoot}`);
  await rm(dataRoot, { recursive: true, force: true });
  await sh(
    `ip link show ${BRIDGE} >/dev/null 2>&1 || { ip link add ${BRIDGE} type bridge && ip addr add 172.31.40.1/24 dev ${BRIDGE} && ip link set ${BRIDGE} up; }`
  );
  const config = `/etc/shipshape/${name}.json`;
  await mkdir(path.dirname(config), { recursive: true });
  await writeFile(config, JSON.stringify({ features: { 'containerd-snapshotter': store === 'containerd' } }));
  const daemon = spawn(
    'dockerd',
    [
      '--config-file',
      config,
      '--host',
      host,
      '--data-root',
      dataRoot,
      '--exec-root',
      `/run/shipshape/${name}`,
      '--pidfile',
      `/run/shipshape/${name}.pid`,
      '--bridge',
      BRIDGE,
      '--iptables=false',
      '--ip6tables=false'
    ],
    { env: { ...process.env, PATH: bin }, stdio: 'ignore', detached: true }
  );
  const env = { DOCKER_HOST: host, PATH: bin };
  for (let i = 0; i < 120; i++) {
    if (
      await sh('docker info >/dev/null 2>&1', env).then(
        () => true,
        () => false
      )
    )
      break;
    await new Promise(r => setTimeout(r, 250));
  }
  await sh('docker info >/dev/null', env);
  return {
    host,
    path: bin,
    stop: async () => {
      const exited = new Promise(resolve => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 20000))]);
      await rm(dataRoot, { recursive: true, force: true });
    }
  };
}

/**
 * The dependency layer of the bench app: it does real work offline, copying 60 MB of Python
 * packages into a prefix and byte-compiling them at three optimisation levels, as pip does
 * after its download. It stands in for the pip or apt install of a real service, which this
 * machine (no package index reachable from a build) cannot download.
 */
const DEPENDENCY_WORK =
  ' && \\\n    mkdir -p /opt/deps && cp -a /usr/lib/python3/dist-packages /usr/lib/python3.11 /opt/deps/ && \\\n' +
  '    for level in 0 1 2; do python3 -m compileall -f -q -o "$level" /opt/deps >/dev/null; done';

/** A copy of examples/flask that can be changed; `withDependencies` adds the dependency layer's work. */
export async function appCopy(root: string, into: string, withDependencies = false): Promise<string> {
  await rm(into, { recursive: true, force: true });
  await sh(`cp -a ${path.join(root, 'examples/flask')} ${into}`);
  if (withDependencies) {
    const file = path.join(into, 'Dockerfile');
    const text = await readFile(file, 'utf8');
    const install = 'RUN pip install --no-cache-dir -r requirements.txt';
    if (!text.includes(install)) throw new Error(`examples/flask/Dockerfile has no "${install}" to extend`);
    await writeFile(file, text.replace(install, `${install}${DEPENDENCY_WORK}`));
  }
  return into;
}

/** The one-line app change of each timed run. */
export async function changeApp(dir: string, line: string): Promise<void> {
  const server = path.join(dir, 'server.py');
  await writeFile(server, `${await readFile(server, 'utf8')}# ${line}\n`);
}
