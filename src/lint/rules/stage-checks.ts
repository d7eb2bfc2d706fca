import { jsonForm, type Instruction, type Stage } from '../../dockerfile/parse.js';
import { splitPair } from '../../common/key-values.js';
import type { Report } from './rules.js';
import { tokenize } from '../run/commands.js';
import { checkRun } from '../run/checks.js';

/** The checks of one stage's instructions, each on its own line. */

// The secret word must end the name: DB_PASSWORD is a secret, DB_PASSWORD_FILE a path to one.
export const SECRET_NAME =
  /(^|_)(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const URL_SOURCE = /^https?:\/\//;
/** A Git repository: BuildKit clones it at the ref given, which is as pinned as the ref. */
const GIT_SOURCE = /^git@|\.git(#|$)/;
/** A value that holds no secret: a flag, a number, or only variables (`${NPM_TOKEN:-}`, `$TOKEN`). */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|none|null|\d{1,6})$|^(\$\w+|\$\{\w+(:?[-+?])?\})$/i;

export function words(text: string): string[] {
  return tokenize(text).flatMap(c => c.words);
}

/** `KEY=value KEY2="x y"` or the legacy `KEY value` of ENV; `NAME[=default]` of ARG. */
export function assignments(instruction: Instruction): [string, string | undefined][] {
  const parts = words(instruction.args);
  if (instruction.keyword === 'ENV' && parts.length >= 2 && !parts[0].includes('=')) {
    return [[parts[0], parts.slice(1).join(' ')]];
  }
  return parts.map(p => splitPair(p) ?? [p, undefined]);
}

/** A COPY or ADD's sources: its words but the last, in shell or JSON form. */
function sources(instruction: Instruction): string[] {
  const exec = jsonForm(instruction.args);
  return (exec ?? words(instruction.args.trim().split('\n')[0])).slice(0, -1);
}

/** What the stage's instructions are checked against, from the stages it is FROM. */
export interface StageContext {
  /** ENV names its parent stages set. */
  inheritedEnv: Set<string>;
  /** The stage is part of the image that ships. */
  ships: boolean;
}

function checkAssignments(
  instruction: Instruction,
  env: Set<string>,
  secretArgs: Set<string>,
  report: Report
) {
  for (const [name, value] of assignments(instruction)) {
    if (instruction.keyword === 'ENV') env.add(name);
    if (!SECRET_NAME.test(name.toUpperCase())) continue;
    if (value !== undefined && value !== '' && !NOT_A_SECRET.test(value)) {
      report(
        'SS013',
        instruction.line,
        `${instruction.keyword} ${name} holds a literal secret; it stays readable in the image history`
      );
    } else if (instruction.keyword === 'ARG') secretArgs.add(name);
  }
}

function checkAdd(instruction: Instruction, report: Report) {
  const from = sources(instruction);
  const urls = from.filter(s => URL_SOURCE.test(s) && !GIT_SOURCE.test(s));
  if (urls.length > 0) {
    if (!instruction.flags.checksum)
      report('SS005', instruction.line, 'ADD downloads from a URL without --checksum');
  } else if (from.some(s => !ARCHIVE.test(s) && !GIT_SOURCE.test(s))) {
    report('SS004', instruction.line, 'ADD of local files');
  }
}

/** Checks a stage's instructions; an ONBUILD's instruction is checked as if it stood on its line. */
export function checkStage(stage: Stage, context: StageContext, report: Report): void {
  const env = new Set(context.inheritedEnv);
  const secretArgs = new Set<string>();
  let pipefail = false;
  let copiedEverything: Instruction | undefined;
  let reportedOrder = false;
  const seen: Record<string, Instruction[]> = { CMD: [], ENTRYPOINT: [] };
  const check = (instruction: Instruction): void => {
    switch (instruction.keyword) {
      case 'ENV':
      case 'ARG':
        return checkAssignments(instruction, env, secretArgs, report);
      case 'ADD':
        return checkAdd(instruction, report);
      case 'COPY':
        if (!instruction.flags.from && sources(instruction).some(s => s === '.' || s === './'))
          copiedEverything ??= instruction;
        return;
      case 'SHELL':
        pipefail = instruction.args.includes('pipefail');
        return;
      case 'RUN':
        if (
          checkRun(instruction, { env, ships: context.ships, secretArgs, pipefail }, report) &&
          copiedEverything &&
          !reportedOrder
        ) {
          reportedOrder = true;
          report(
            'SS012',
            copiedEverything.line,
            `COPY of the whole context (line ${copiedEverything.line}) comes before the dependency install at line ${instruction.line}`
          );
        }
        return;
      case 'WORKDIR': {
        const dir = instruction.args.trim();
        if (!dir.startsWith('/') && !dir.startsWith('$') && !/^[A-Za-z]:[\\/]/.test(dir)) {
          report('SS018', instruction.line, `WORKDIR ${dir} is relative`);
        }
        return;
      }
      case 'CMD':
      case 'ENTRYPOINT':
        seen[instruction.keyword].push(instruction);
        return;
      case 'ONBUILD': {
        const inner = instruction.args.trim();
        const gap = inner.search(/\s/);
        if (gap > 0)
          check({
            ...instruction,
            keyword: inner.slice(0, gap).toUpperCase(),
            args: inner.slice(gap).trim()
          });
      }
    }
  };
  stage.instructions.forEach(check);
  for (const [keyword, list] of Object.entries(seen)) {
    for (const dead of list.slice(0, -1)) {
      report(
        'SS016',
        dead.line,
        `${keyword} at line ${dead.line} is overridden by line ${list[list.length - 1].line}`
      );
    }
  }
}
