import { docker } from '../docker.js';
import { lastLines } from '../process.js';
import type { Builder, BuilderKind } from '../results.js';

/** Decides how to build with BuildKit given the CLI/daemon pair (pure; see detectBuilder). */
export function chooseBuilder(hasBuildx: boolean, client: string): BuilderKind {
  if (hasBuildx) return 'buildx';
  // CLIs before 23.0 carry BuildKit themselves (DOCKER_BUILDKIT=1); later ones need buildx.
  const major = Number(/^(\d+)/.exec(client)?.[1] ?? 0);
  return major > 0 && major < 23 ? 'buildkit' : 'classic';
}

export async function detectBuilder(): Promise<Builder> {
  const [version, buildx] = await Promise.all([
    docker(['version', '--format', '{{.Client.Version}}|{{.Server.Version}}']),
    docker(['buildx', 'version'])
  ]);
  const [client = '', server = ''] = version.stdout.trim().split('|');
  if (version.exitCode !== 0 || !server) {
    const why = lastLines(version.stderr || version.stdout, 1);
    throw new Error(`no Docker daemon answers (${why}); Shipshape needs a runner with Docker`);
  }
  return { kind: chooseBuilder(buildx.exitCode === 0, client), client, server };
}
