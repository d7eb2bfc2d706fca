import { parseDockerfile, type Instruction, type ParsedDockerfile, type Stage } from '../dockerfile/parse.js';
import type { ImageFacts } from './port.js';
import type { HistoryEntry, LayerSource } from './contract.js';

/**
 * The instruction keyword a history entry came from. BuildKit writes `RUN /bin/sh -c … #
 * buildkit` or `COPY … # buildkit`; the classic builder writes `/bin/sh -c #(nop) COPY …`
 * for metadata and file steps and `/bin/sh -c <command>` for RUN.
 */
export function keywordOf(createdBy: string): string {
  const text = createdBy.trim();
  const nop = /#\(nop\)\s+([A-Z]+)/.exec(text);
  if (nop) return nop[1];
  if (/^\|\d+ /.test(text) || /^\/bin\/sh -c /.test(text) || /^cmd \/S \/C /.test(text)) return 'RUN';
  const first = /^([A-Z]+)\b/.exec(text);
  return first ? first[1] : '';
}

const LAYER_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

function builtStage(dockerfile: ParsedDockerfile, target?: string): Stage {
  return (
    (target && dockerfile.stages.find(s => s.name === target.toLowerCase())) ||
    dockerfile.stages[dockerfile.stages.length - 1]
  );
}

/**
 * Pairs the layers of the built stage's own instructions with the last layer-carrying history
 * entries, from the end. Only layers matter (packages live in them), so metadata entries —
 * including the LABEL entries the classic builder appends for --label — are left out.
 */
function matchOwnLayers(layerEntries: HistoryEntry[], stage: Stage): Map<number, Instruction> {
  const instructions = stage.instructions.filter(i => LAYER_KEYWORDS.has(i.keyword));
  const matched = new Map<number, Instruction>();
  let j = instructions.length - 1;
  for (let i = layerEntries.length - 1; i >= 0 && j >= 0; i--, j--) {
    if (keywordOf(layerEntries[i].created_by ?? '') !== instructions[j].keyword) break;
    matched.set(i, instructions[j]);
  }
  return matched;
}

/**
 * Maps each layer (diff ID) to the Dockerfile line that made it: history entries with a layer
 * pair up with diff IDs in order; the final stage's instructions pair up with the last history
 * entries; every earlier layer came with the base image and maps to the FROM line.
 */
export function mapLayers(
  diffIds: string[],
  history: HistoryEntry[],
  dockerfile: ParsedDockerfile,
  target?: string
): Map<string, LayerSource> {
  const out = new Map<string, LayerSource>();
  if (dockerfile.stages.length === 0) return out;
  const stage = builtStage(dockerfile, target);
  const from = stage.instructions[0];
  const layerEntries = history.filter(h => !h.empty_layer);
  const own = matchOwnLayers(layerEntries, stage);
  layerEntries.forEach((_entry, index) => {
    const diffId = diffIds[index];
    if (!diffId) return;
    const instruction = own.get(index);
    out.set(
      diffId,
      instruction
        ? { line: instruction.line, instruction: `${instruction.keyword} ${instruction.args}`, base: false }
        : { line: from.line, instruction: `FROM ${from.args}`, base: true }
    );
  });
  return out;
}

/** Each layer's Dockerfile line, from what the scanner read of the image (pure). */
export function layerSources(
  facts: Pick<ImageFacts, 'diffIds' | 'history'>,
  dockerfileText: string,
  target: string
): Map<string, LayerSource> {
  return mapLayers(facts.diffIds, facts.history, parseDockerfile(dockerfileText), target || undefined);
}
