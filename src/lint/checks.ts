import {
  expandArgs,
  globalArgValues,
  parseDockerfile,
  stageChain,
  type Instruction,
  type ParsedDockerfile,
  type Stage
} from '../dockerfile/parse.js';
import { RULES, type Report } from './rules.js';
import { tokenize } from './run-commands.js';
import { checkRun } from './run-checks.js';
import type { LintFinding } from './contract.js';
import { splitPair } from '../common/key-values.js';

/** A finding before the gate has judged it. */
export type LintIssue = Omit<LintFinding, 'blocking'>;

export interface LintOptions {
  /** Content of .dockerignore beside the context, or undefined when there is none. */
  dockerignore: string | undefined;
  /** Rule ids or names to skip (`lint-ignore`). */
  ignore: string[];
  /** The stage being built (`target`); default the last one. */
  target?: string;
}

// The secret word must end the name: DB_PASSWORD is a secret, DB_PASSWORD_FILE a path to one.
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const URL_SOURCE = /^(https?:\/\/|git@)/;

function words(text: string): string[] {
  return tokenize(text).flatMap(c => c.words);
}

/** `KEY=value KEY2="x y"` or the legacy `KEY value` of ENV; `NAME[=default]` of ARG. */
function assignments(instruction: Instruction): [string, string | undefined][] {
  const parts = words(instruction.args);
  if (instruction.keyword === 'ENV' && parts.length >= 2 && !parts[0].includes('=')) {
    return [[parts[0], parts.slice(1).join(' ')]];
  }
  return parts.map(p => splitPair(p) ?? [p, undefined]);
}

function isPinned(reference: string): boolean {
  if (reference.includes('@')) return true;
  const lastSlash = reference.lastIndexOf('/');
  const colon = reference.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  return reference.slice(colon + 1) !== 'latest';
}

const effective = (chain: Stage[], keyword: string): Instruction | undefined => {
  for (const stage of chain) {
    const found = stage.instructions.filter(i => i.keyword === keyword).pop();
    if (found) return found;
  }
  return undefined;
};

function checkBases(doc: ParsedDockerfile, report: Report): void {
  const globals = globalArgValues(doc);
  const earlier = new Set<string>();
  for (const stage of doc.stages) {
    const from = stage.from;
    const resolved = expandArgs(from, globals);
    if (resolved && resolved !== 'scratch' && !earlier.has(resolved.toLowerCase()) && !isPinned(resolved)) {
      const shown = resolved === from ? from : `${from} (= ${resolved})`;
      report(
        'SS001',
        stage.instructions[0].line,
        `base image ${shown} is not pinned: "latest" or no tag can change under you`
      );
    }
    if (stage.name) earlier.add(stage.name);
    earlier.add(String(stage.index));
  }
}

function checkRuntime(chain: Stage[], report: Report): void {
  const final = chain[0];
  const fromLine = final.instructions[0].line;
  const user = effective(chain, 'USER');
  const who = user ? user.args.trim().split(':')[0] : 'root';
  if (!user) report('SS002', fromLine, 'the image runs as root: the final stage never sets USER');
  else if (who === 'root' || who === '0')
    report('SS002', user.line, `the image runs as root: USER ${user.args.trim()}`);

  const healthcheck = effective(chain, 'HEALTHCHECK');
  if (!healthcheck) report('SS003', fromLine, 'the final stage has no HEALTHCHECK');

  for (const keyword of ['CMD', 'ENTRYPOINT']) {
    const command = effective(chain, keyword);
    if (command && !command.args.trim().startsWith('[')) {
      report(
        'SS015',
        command.line,
        `${keyword} uses the shell form: the process runs under /bin/sh -c and misses SIGTERM`
      );
    }
  }
}

/** A HEALTHCHECK that probes a local port which its stage (or an ancestor) never EXPOSEs. */
function checkProbedPorts(doc: ParsedDockerfile, report: Report): void {
  for (const stage of doc.stages) {
    const healthcheck = stage.instructions.find(i => i.keyword === 'HEALTHCHECK');
    const probe = healthcheck && /(?:localhost|127\.0\.0\.1|0\.0\.0\.0):(\d+)/.exec(healthcheck.args);
    if (!healthcheck || !probe) continue;
    const exposed = stageChain(doc, stage.name ?? String(stage.index))
      .flatMap(s => s.instructions.filter(i => i.keyword === 'EXPOSE'))
      .flatMap(i => words(i.args).map(p => p.split('/')[0]));
    if (!exposed.includes(probe[1])) {
      report('SS021', healthcheck.line, `HEALTHCHECK probes port ${probe[1]}, which is not EXPOSEd`);
    }
  }
}

function checkStage(stage: Stage, report: Report): void {
  const env = new Set<string>();
  let copiedEverything: Instruction | undefined;
  let reportedOrder = false;
  const seen: Record<string, Instruction[]> = { CMD: [], ENTRYPOINT: [] };
  for (const instruction of stage.instructions) {
    switch (instruction.keyword) {
      case 'ENV':
      case 'ARG':
        for (const [name, value] of assignments(instruction)) {
          if (instruction.keyword === 'ENV') env.add(name);
          const literal = value !== undefined && value !== '' && !/^\$\{?\w+\}?$/.test(value);
          if (literal && SECRET_NAME.test(name.toUpperCase())) {
            report(
              'SS013',
              instruction.line,
              `${instruction.keyword} ${name} holds a literal secret; it stays readable in the image history`
            );
          }
        }
        break;
      case 'ADD': {
        const sources = words(instruction.args).slice(0, -1);
        if (sources.some(s => URL_SOURCE.test(s)))
          report('SS005', instruction.line, 'ADD downloads from a URL');
        else if (sources.some(s => !ARCHIVE.test(s))) report('SS004', instruction.line, 'ADD of local files');
        break;
      }
      case 'COPY': {
        const sources = words(instruction.args).slice(0, -1);
        if (!instruction.flags.from && sources.some(s => s === '.' || s === './'))
          copiedEverything ??= instruction;
        break;
      }
      case 'RUN':
        if (checkRun(instruction, env, report) && copiedEverything && !reportedOrder) {
          reportedOrder = true;
          report(
            'SS012',
            copiedEverything.line,
            `COPY of the whole context (line ${copiedEverything.line}) comes before the dependency install at line ${instruction.line}`
          );
        }
        break;
      case 'WORKDIR': {
        const dir = instruction.args.trim();
        if (!dir.startsWith('/') && !dir.startsWith('$') && !/^[A-Za-z]:[\\/]/.test(dir)) {
          report('SS018', instruction.line, `WORKDIR ${dir} is relative`);
        }
        break;
      }
      case 'CMD':
      case 'ENTRYPOINT':
        seen[instruction.keyword].push(instruction);
        break;
    }
  }
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

function checkDockerignore(content: string | undefined, report: Report): void {
  if (content === undefined) {
    report('SS014', 1, 'no .dockerignore: the whole context, .git included, is sent to the builder');
    return;
  }
  let excluded = false;
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    let pattern = line.replace(/^!/, '').replace(/^\/+/, '');
    while (pattern.endsWith('/')) pattern = pattern.slice(0, -1);
    if (['.git', '**/.git', '*', '**', '.git*', '.*'].includes(pattern)) excluded = !negated;
  }
  if (!excluded) report('SS014', 1, '.dockerignore does not exclude .git');
}

/** Parses `# shipshape-ignore SS013, pip-cache` comments: suppressions for the next line. */
function suppressions(doc: ParsedDockerfile): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const comment of doc.comments) {
    const m = /^shipshape-ignore\s(.+)$/i.exec(comment.text.trim());
    if (m) out.set(comment.line + 1, new Set(m[1].split(/[\s,]+/).map(s => s.toLowerCase())));
  }
  return out;
}

export function lintDockerfile(text: string, options: LintOptions): LintIssue[] {
  const doc = parseDockerfile(text);
  const findings: LintIssue[] = [];
  const ignored = new Set(options.ignore.map(i => i.toLowerCase()));
  const inline = suppressions(doc);
  const report: Report = (id, line, message) => {
    const rule = RULES[id];
    const names = [id.toLowerCase(), rule.name];
    if (names.some(n => ignored.has(n) || inline.get(line)?.has(n))) return;
    if (findings.some(f => f.rule === id && f.line === line && f.message === message)) return;
    findings.push({ rule: id, name: rule.name, severity: rule.severity, line, message, fix: rule.fix });
  };
  if (doc.stages.length === 0) {
    throw new Error('the Dockerfile has no FROM instruction');
  }
  checkBases(doc, report);
  for (const stage of doc.stages) checkStage(stage, report);
  checkRuntime(stageChain(doc, options.target), report);
  checkProbedPorts(doc, report);
  checkDockerignore(options.dockerignore, report);
  // Rule ids are ASCII: a plain comparison, not localeCompare, whose first call loads ICU data (≈15 ms).
  return findings.sort((a, b) => a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
