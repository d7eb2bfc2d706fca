import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';
export function parseDockerfile(text) {
  const doc = DockerfileParser.parse(text);
  const stages = [];
  const globalArgs = [];
  for (const node of doc.getInstructions()) {
    const range = node.getRange();
    const flagNodes = node instanceof ModifiableInstruction ? node.getFlags() : [];
    const instruction = {
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
export const squash = s => s.replace(/\s+/g, ' ').trim();
/**
 * Finds the instruction a builder reported (e.g. `RUN pip install -r requirements.txt`),
 * preferring the given stage name; whitespace differences are ignored.
 */
export function findInstruction(dockerfile, step, stageName) {
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
