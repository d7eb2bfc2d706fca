import { splitPair } from '../common/key-values.js';

/** One instruction of a Dockerfile, with 1-based line numbers. */
export interface Instruction {
  keyword: string;
  /** Arguments as BuildKit prints them: continuations joined, comments dropped. */
  args: string;
  /** `--name=value` flags (COPY --from, RUN --mount, HEALTHCHECK --interval, ...). */
  flags: Record<string, string>;
  /** Every `--mount` of a RUN, in order: `flags.mount` keeps only the last. */
  mounts: string[];
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
  /** The frontend image a `# syntax=` directive names, when there is one. */
  syntax?: string;
}

/**
 * Reads a Dockerfile the way BuildKit's parser does (moby/buildkit frontend/dockerfile/parser):
 * parser directives at the top, the escape character, line continuations (comment and blank
 * lines inside them dropped), leading `--flags`, and heredocs on RUN/COPY/ADD. One pass over the
 * lines: dockerfile-ast, which this replaced, re-tokenises every instruction's arguments on each
 * accessor call and took over 60 ms for 2,000 lines; tests hold this parser to its output.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const comments: ParsedDockerfile['comments'] = [];
  let escape = '\\';
  let syntax: string | undefined;
  let n = 0;
  for (; n < lines.length; n++) {
    const directive = DIRECTIVE.exec(lines[n]);
    if (!directive) break;
    const key = directive[1].toLowerCase();
    if (!DIRECTIVES.has(key)) break;
    const value = directive[2].trim();
    if (key === 'escape' && (value === '`' || value === '\\')) escape = value;
    if (key === 'syntax') syntax = value;
  }

  /** Skips blank and comment lines from `from`, recording the comments; returns the next index. */
  const skipTrivia = (from: number): number => {
    let i = from;
    for (; i < lines.length; i++) {
      const head = lines[i].trim();
      if (head.startsWith('#')) comments.push({ line: i + 1, text: head.slice(1).trim() });
      else if (head !== '') break;
    }
    return i;
  };

  const instructions: Instruction[] = [];
  for (n = skipTrivia(n); n < lines.length; n = skipTrivia(n + 1)) {
    const start = n;
    // `last` is the instruction's last line; `n` also moves past trivia a final continuation swallowed
    let last = n;
    let logical = '';
    for (;;) {
      const body = lines[n].trimEnd();
      if (!body.endsWith(escape)) {
        logical += lines[n];
        break;
      }
      logical += body.slice(0, -1);
      const next = skipTrivia(n + 1);
      if (next >= lines.length) {
        n = lines.length - 1;
        break;
      }
      last = n = next;
    }
    const trimmed = logical.trim();
    const gap = trimmed.search(/\s/);
    const keyword = (gap < 0 ? trimmed : trimmed.slice(0, gap)).toUpperCase();
    const { flags, mounts, args } = takeFlags(keyword, gap < 0 ? '' : trimmed.slice(gap).trimStart());
    const heredocs = HEREDOCS.has(keyword) && args.includes('<<') ? readHeredocs(args, lines, n + 1) : [];
    if (heredocs.length > 0) last = n += heredocs.length;
    instructions.push({
      keyword,
      args: [args, ...heredocs].join('\n'),
      flags,
      mounts,
      line: start + 1,
      endLine: last + 1
    });
  }
  return { ...groupStages(instructions), comments, ...(syntax ? { syntax } : {}) };
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=(.*)$/;
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
/** Instructions whose leading `--name[=value]` words are flags rather than arguments. */
const FLAGGED = new Set(['ADD', 'COPY', 'FROM', 'HEALTHCHECK', 'RUN']);
/** Instructions whose `<<WORD` arguments open heredocs. */
const HEREDOCS = new Set(['ADD', 'COPY', 'RUN']);
const HEREDOC = /^\d*<<(-?)(["']?)([^\s"'<>]+)\2$/;

function takeFlags(
  keyword: string,
  text: string
): { flags: Record<string, string>; mounts: string[]; args: string } {
  const flags: Record<string, string> = {};
  const mounts: string[] = [];
  let args = text;
  while (FLAGGED.has(keyword) && args.startsWith('--')) {
    const space = args.search(/\s/);
    const word = space < 0 ? args : args.slice(0, space);
    const [name, value] = splitPair(word.slice(2)) ?? [word.slice(2), ''];
    flags[name.toLowerCase()] = value;
    if (name.toLowerCase() === 'mount') mounts.push(value);
    args = space < 0 ? '' : args.slice(space).trimStart();
  }
  return { flags, mounts, args };
}

/** The lines from `from` on that the heredocs opened in `args` hold, closing words included. */
function readHeredocs(args: string, lines: string[], from: number): string[] {
  const body: string[] = [];
  for (const word of args.split(/\s+/)) {
    const heredoc = HEREDOC.exec(word);
    if (!heredoc) continue;
    while (from + body.length < lines.length) {
      const line = lines[from + body.length];
      body.push(line);
      // `<<-` lets the closing word be indented with tabs
      if ((heredoc[1] === '-' ? line.replace(/^\t+/, '') : line) === heredoc[3]) break;
    }
  }
  return body;
}

/** Splits instructions into stages at each FROM; ARGs before the first FROM are global. */
export function groupStages(instructions: Instruction[]): Omit<ParsedDockerfile, 'comments'> {
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  for (const instruction of instructions) {
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
  return { stages, globalArgs };
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

/** Substitutes `$VAR`, `${VAR}` and `${VAR:-default}` from known values; undefined when any is unknown. */
export function expandArgs(value: string, vars: Record<string, string>): string | undefined {
  let unknown = false;
  const out = value.replace(
    // A default runs to its `}` but never across another `${`: each `${` is scanned once.
    /\$\{(\w+)(?::?-((?:[^}$]|\$(?!\{))*))?\}|\$(\w+)/g,
    (_m, braced: string, def: string, bare: string) => {
      const name = braced ?? bare;
      const known = vars[name] ?? def;
      if (known === undefined) unknown = true;
      return known ?? '';
    }
  );
  return unknown ? undefined : out;
}

/**
 * An instruction's arguments in JSON (exec) form, `["prog", "arg"]`, as strings; undefined for
 * the shell form, and for text that only looks like JSON (Docker runs that with the shell).
 */
export function jsonForm(args: string): string[] | undefined {
  const trimmed = args.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const parts = JSON.parse(trimmed) as unknown;
    return Array.isArray(parts) ? parts.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** The defaults the global ARGs (before the first FROM) declare: `ARG NAME=value`, quotes removed. */
export function globalArgValues(doc: Pick<ParsedDockerfile, 'globalArgs'>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const arg of doc.globalArgs) {
    for (const [, name, value] of arg.args.matchAll(/(?<!\w)(\w+)=("[^"]*"|'[^']*'|\S*)/g)) {
      values[name] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
    }
  }
  return values;
}
