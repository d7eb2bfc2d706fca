import { expandArgs, globalArgValues, type Instruction, type ParsedDockerfile, type Stage } from './parse.js';

/** How a Dockerfile's stages build on each other: FROM chains, what a stage reads, which a build runs. */

/** The stage a FROM, `--from` or `target` names, by its name or its number. */
const stageNamed = (doc: ParsedDockerfile, name: string): Stage | undefined =>
  doc.stages.find(s => s.name === name.toLowerCase() || String(s.index) === name);

/** The stage a build runs to: the target, else the last. */
const targetStage = (doc: ParsedDockerfile, target: string | undefined): Stage | undefined =>
  (target && stageNamed(doc, target)) || doc.stages[doc.stages.length - 1];

/** The stage built and the stages it is FROM, nearest first (instructions are inherited). */
export function stageChain(doc: ParsedDockerfile, target: string | undefined): Stage[] {
  const chain: Stage[] = [];
  for (
    let stage = targetStage(doc, target);
    stage && !chain.includes(stage);
    stage = stageNamed(doc, stage.from)
  ) {
    chain.push(stage);
    if (stage.index === 0) break;
  }
  return chain;
}

/** What a stage reads besides its base, as written: `COPY --from=…` and `RUN --mount=…,from=…`. */
export function sourcesRead(stage: Stage): [string, Instruction][] {
  return stage.instructions.flatMap(i => [
    ...(i.keyword === 'COPY' && i.flags.from ? [[i.flags.from, i] as [string, Instruction]] : []),
    ...i.mounts.flatMap(m => {
      const from = /(?:^|,)from=([^,]+)/.exec(m)?.[1];
      return from ? [[from, i] as [string, Instruction]] : [];
    })
  ]);
}

/**
 * The stages a build of `target` runs (BuildKit skips the rest): the target, and every stage one
 * of them is FROM or reads from, build args over the global ARG defaults. Undefined when a
 * reference keeps a variable no value is given for: which stage it means is not known.
 */
export function stagesBuilt(
  doc: ParsedDockerfile,
  buildArgs: Record<string, string>,
  target: string | undefined
): Set<Stage> | undefined {
  const vars = { ...globalArgValues(doc), ...buildArgs };
  const built = new Set<Stage>();
  const pending = [targetStage(doc, target)];
  for (let stage = pending.pop(); stage; stage = pending.pop()) {
    if (built.has(stage)) continue;
    built.add(stage);
    for (const reference of [stage.from, ...sourcesRead(stage).map(([from]) => from)]) {
      const name = expandArgs(reference, vars);
      if (name === undefined) return undefined;
      const read = stageNamed(doc, name);
      if (read) pending.push(read);
    }
  }
  return built;
}

/**
 * The image the built stage starts from, following stages built FROM other stages, with
 * build args over the global ARG defaults; undefined for `scratch` or an unresolved `$ARG`.
 */
export function baseImageOf(
  doc: ParsedDockerfile,
  buildArgs: Record<string, string>,
  target?: string
): { reference: string; line: number } | undefined {
  const chain = stageChain(doc, target);
  const first = chain[chain.length - 1];
  if (!first) return undefined;
  const reference = expandArgs(first.from, { ...globalArgValues(doc), ...buildArgs });
  if (!reference || reference === 'scratch') return undefined;
  return { reference, line: first.instructions[0].line };
}
