import * as exec from '@actions/exec';
/** Runs the `docker` CLI found on PATH; never throws on a non-zero exit. */
export async function docker(args, options = {}) {
  const env = { ...process.env, ...options.env };
  try {
    return await exec.getExecOutput('docker', args, {
      env,
      input: options.input,
      silent: !options.stream,
      ignoreReturnCode: true
    });
  } catch (error) {
    // exec throws when the binary cannot be started at all.
    throw new Error(`cannot run docker: ${error.message}. Is Docker installed on this runner?`);
  }
}
/** Like docker(), but a non-zero exit is an error carrying the CLI's own message. */
export async function dockerOk(args, options = {}) {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    const message = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new Error(`docker ${args[0]} failed (exit ${result.exitCode}): ${message}`);
  }
  return result.stdout;
}
/** Decides how to build with BuildKit given the CLI/daemon pair (pure; see detectBuilder). */
export function chooseBuilder(hasBuildx, client) {
  if (hasBuildx) return 'buildx';
  // CLIs before 23.0 carry BuildKit themselves (DOCKER_BUILDKIT=1); later ones need buildx.
  const major = Number(/^(\d+)/.exec(client)?.[1] ?? 0);
  return major > 0 && major < 23 ? 'buildkit' : 'classic';
}
export async function detectBuilder() {
  const [version, buildx] = await Promise.all([
    docker(['version', '--format', '{{.Client.Version}}|{{.Server.Version}}']),
    docker(['buildx', 'version'])
  ]);
  const [client = '', server = ''] = version.stdout.trim().split('|');
  if (version.exitCode !== 0 || !server) {
    const why = (version.stderr || version.stdout).trim().split('\n').pop() ?? '';
    throw new Error(`no Docker daemon answers (${why}); Shipshape needs a runner with Docker`);
  }
  return { kind: chooseBuilder(buildx.exitCode === 0, client), client, server };
}
