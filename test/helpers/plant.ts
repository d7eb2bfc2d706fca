import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What the e2e scenarios plant in every untrusted channel they exercise (the Dockerfile, the
 * build output, Trivy's messages and report, container logs, health-probe output): workflow
 * commands that would act if they reached the step log live, in every form that could get them
 * there, beside the run's secrets. The leak checker (leaks.ts) then looks for both everywhere.
 */

/** The word every forged command carries: a runner command holding it came from a plant. */
export const FORGED = 'FORGED-c0mmand';

/** Forged workflow commands: plain, old-style, a mask, a stop, %0A-encoded and split by a lone \r. */
export function forgedCommands(origin: string): string[] {
  return [
    `::error file=Dockerfile,line=1::${FORGED} by ${origin}`,
    `::warning::${FORGED} by ${origin}`,
    `::add-mask::${FORGED}`,
    `::stop-commands::${FORGED}`,
    `##[error]${FORGED} by ${origin} (old style)`,
    `output%0A::error::${FORGED} by ${origin} (percent-encoded)`,
    `output\r::error::${FORGED} by ${origin} (carriage return)`
  ];
}

/** The same, as one shell word for `printf '%s\n' …` (single-quoted, \r kept as an escape printf expands). */
export function forgedForShell(origin: string, secrets: string[] = []): string {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return [...forgedCommands(origin), ...secrets.map(s => `${origin} holds ${s}`)]
    .map(line => (line.includes('\r') ? `"$(printf '${line.replace('\r', '\\r')}')"` : quote(line)))
    .join(' ');
}

/** Trivy's messages and report: the stand-in adds this to every title, description and log line. */
export const trivyPlant = (secrets: string[]): Record<string, string> => ({
  TRIVY_STANDIN_PLANT: [...forgedCommands('trivy'), ...secrets.map(s => `trivy holds ${s}`)].join('\n')
});

const PLANT_FILE = '.shipshape-plant';
/**
 * Differs from one test run to the next: BuildKit keeps a step's result across runs on the same
 * daemon, and a cached step prints nothing. Within a run, a rebuild of the same context is
 * cached as it would be without the plant.
 */
const RUN_NONCE = randomBytes(8).toString('hex');

/**
 * Adds to a Dockerfile what plants in the Dockerfile and the build output: a relative WORKDIR
 * the lint quotes (then the stage's WORKDIR again), and a RUN that prints the plant file,
 * mounted for that step only, so neither the secrets nor the commands reach a layer or the
 * image's history. It goes at the end of the last stage that has a shell (the one before a
 * final `FROM scratch`). The classic builder has no `RUN --mount`: there the RUN prints the
 * forged commands from its own text, and no secret.
 */
export function plantedDockerfile(text: string, builder: 'buildkit' | 'classic' = 'buildkit'): string {
  const lines = text.replace(/\n*$/, '').split('\n');
  const froms = lines.flatMap((l, i) => (/^\s*FROM\s/i.test(l) ? [i] : []));
  const scratch = /^\s*FROM\s+(--\S+\s+)*scratch\b/i.test(lines[froms.at(-1) ?? 0] ?? '');
  const at = scratch && froms.length > 1 ? (froms.at(-1) ?? lines.length) : lines.length;
  const stageStart = froms.filter(i => i < at).at(-1) ?? 0;
  const workdirs = lines.slice(stageStart, at).flatMap(l => /^\s*WORKDIR\s+(\S+)\s*$/i.exec(l)?.[1] ?? []);
  const block = [
    "# Planted by Shipshape's e2e tests: forged workflow commands in the Dockerfile and the build output.",
    `WORKDIR ::warning::${FORGED}-dockerfile%0A::error::${FORGED}`,
    `WORKDIR ${workdirs.at(-1) ?? '/'}`,
    builder === 'buildkit'
      ? `RUN --mount=type=bind,source=${PLANT_FILE},target=/tmp/${PLANT_FILE} cat /tmp/${PLANT_FILE} # ::error::${FORGED} in a step`
      : `RUN printf '%s\\n' ${forgedForShell('the build')}`
  ];
  return [...lines.slice(0, at), ...block, ...lines.slice(at), ''].join('\n');
}

/** Plants a build context in place: the Dockerfile's plants, and the file the build prints (forged commands, secrets). */
export async function plant(
  dir: string,
  secrets: string[],
  builder: 'buildkit' | 'classic' = 'buildkit'
): Promise<string> {
  const dockerfile = path.join(dir, 'Dockerfile');
  await writeFile(dockerfile, plantedDockerfile(await readFile(dockerfile, 'utf8'), builder));
  const lines = [
    ...forgedCommands('the build'),
    ...secrets.map(s => `the build holds ${s}`),
    `run ${RUN_NONCE}`
  ];
  await writeFile(path.join(dir, PLANT_FILE), `${lines.join('\n')}\n`, { mode: 0o644 });
  return dir;
}

/** A planted copy of a build context. */
export async function plantedContext(from: string, to: string, secrets: string[]): Promise<string> {
  await mkdir(path.dirname(to), { recursive: true });
  await cp(from, to, { recursive: true });
  return plant(to, secrets);
}
