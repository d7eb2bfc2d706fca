import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';

/** One instruction of a Dockerfile, with 1-based line numbers. */
export interface Instruction {
  keyword: string;
  /** Arguments as BuildKit prints them: continuations joined, comments dropped. */
  args: string;
  /** `--name=value` flags (COPY --from, RUN --mount, HEALTHCHECK --interval, ...). */
  flags: Record<string, string>;
  line: number;
  endLine: number;
}

export interface Stage {
  index: number;
  name: string | undefined;
  /** The FROM argument as written, e.g. `${BASE_IMAGE}` or `python:3.12`. */
  from: string;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  stages: Stage[];
  /** ARGs declared before the first FROM (they parameterise FROM lines). */
  globalArgs: Instruction[];
  /** Comment lines (not parser directives), 1-based, text without the `#`. */
  comments: { line: number; text: string }[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const doc = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  for (const node of doc.getInstructions()) {
    const range = node.getRange();
    const flagNodes = node instanceof ModifiableInstruction ? node.getFlags() : [];
    const instruction: Instruction = {
      keyword: node.getKeyword().toUpperCase(),
      args: node.getArgumentsContent() ?? '',
      flags: Object.fromEntries(flagNodes.map(f => [f.getName().toLowerCase(), f.getValue() ?? ''])),
      line: range.start.line + 1,
      endLine: range.end.line + 1
    };
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter(w => !w.startsWith('--'));
      const as = words.findIndex(w => w.toUpperCase() === 'AS');
      stages.push({
        index: stages.length,
        name: as >= 0 ? words[as + 1]?.toLowerCase() : undefined,
        from: words[0] ?? '',
        instructions: [instruction]
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') globalArgs.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  const comments = doc.getComments().map(c => ({ line: c.getRange().start.line + 1, text: c.getContent() }));
  return { stages, globalArgs, comments };
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Finds the instruction a builder reported (e.g. `RUN pip install -r requirements.txt`),
 * preferring the given stage name; whitespace differences are ignored.
 */
export function findInstruction(
  dockerfile: ParsedDockerfile,
  step: string,
  stageName?: string
): Instruction | undefined {
  const wanted = squash(step).toLowerCase();
  const stages = stageName
    ? [...dockerfile.stages.filter(s => s.name === stageName.toLowerCase()), ...dockerfile.stages]
    : dockerfile.stages;
  for (const stage of stages) {
    const hit = stage.instructions.find(i => squash(`${i.keyword} ${i.args}`).toLowerCase() === wanted);
    if (hit) return hit;
  }
  return undefined;
}
