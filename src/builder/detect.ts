import { docker, dockerOk } from '../common/docker.js';
import { ociArch } from '../common/oci-layout.js';
import { lastLines } from '../common/process.js';
import type { Builder, BuilderKind } from './contract.js';

/** Decides how to build with BuildKit given the CLI/daemon pair (pure; see detectBuilder). */
export function chooseBuilder(hasBuildx: boolean, client: string): BuilderKind {
  if (hasBuildx) return 'buildx';
  // CLIs before 23.0 carry BuildKit themselves (DOCKER_BUILDKIT=1); later ones need buildx.
  const major = Number(/^(\d+)/.exec(client)?.[1] ?? 0);
  return major > 0 && major < 23 ? 'buildkit' : 'classic';
}

/** What a builder can do with its output (pure). */
export interface Capabilities {
  /** Hold several platforms in one image (an index). */
  multiPlatform: boolean;
  /** Attach attestations (provenance) to the image. */
  attestations: boolean;
  /** Where build cache can be exported: a local directory, or only inline in the image. */
  cacheExport: 'local' | 'inline' | 'none';
  /** Build into the daemon (`--load`) or into an OCI layout on disk. */
  output: 'load' | 'layout';
}

export function capabilities(builder: Builder, platforms: string[]): Capabilities {
  if (builder.kind !== 'buildx') {
    return {
      multiPlatform: false,
      attestations: false,
      cacheExport: builder.kind === 'buildkit' ? 'inline' : 'none',
      output: 'load'
    };
  }
  // The docker driver writes into the daemon's store; only the containerd store holds indexes.
  const container = builder.driver !== undefined && builder.driver !== 'docker';
  const rich = container || builder.store === 'containerd';
  return {
    multiPlatform: rich,
    attestations: rich,
    cacheExport: rich ? 'local' : 'inline',
    // A container builder cannot load an index into the classic store: it writes a layout instead.
    output: container && platforms.length > 1 ? 'layout' : 'load'
  };
}

/** The daemon's version, OS, CPU and store, and the CLI's buildx plugin (its version), in one call. */
const INFO =
  '{{.ServerVersion}}|{{.OSType}}|{{.Architecture}}|{{json .DriverStatus}}|{{range .ClientInfo.Plugins}}{{if eq .Name "buildx"}}{{.Version}}{{end}}{{end}}';
/** The builder to build with: the named buildx builder (`builder` input), or the current one. */
export async function detectBuilder(name = ''): Promise<Builder> {
  // The build waits on these two; the CLI's version matters only without buildx.
  const [info, inspect] = await Promise.all([
    docker(['info', '--format', INFO]),
    docker(['buildx', 'inspect', ...(name ? [name] : [])])
  ]);
  const [server = '', os = '', machine = '', status = '', buildx = ''] = info.stdout.trim().split('|');
  if (info.exitCode !== 0 || !server) {
    const why = lastLines(info.stderr || info.stdout, 1);
    throw new Error(`no Docker daemon answers (${why}); Shipshape needs a runner with Docker`);
  }
  const client = buildx ? undefined : (await dockerOk(['version', '--format', '{{.Client.Version}}'])).trim();
  const kind = chooseBuilder(buildx !== '', client ?? '');
  if (name && (kind !== 'buildx' || inspect.exitCode !== 0)) {
    const why =
      kind === 'buildx' ? lastLines(inspect.stderr || inspect.stdout, 1) : 'this Docker CLI has no buildx';
    throw new Error(`input "builder": no buildx builder named ${name} (${why})`);
  }
  return {
    kind,
    name: name || undefined,
    client,
    server,
    driver: kind === 'buildx' ? (/^Driver:\s+(\S+)/m.exec(inspect.stdout)?.[1] ?? 'docker') : undefined,
    buildx: buildx || undefined,
    store: status.includes('io.containerd.snapshotter') ? 'containerd' : 'classic',
    native: `${os}/${ociArch(machine)}`
  };
}
