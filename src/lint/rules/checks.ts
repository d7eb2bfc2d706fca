import { byCodeUnit } from '../../common/compare.js';
import {
  expandArgs,
  globalArgValues,
  parseDockerfile,
  type Instruction,
  type ParsedDockerfile,
  type Stage
} from '../../dockerfile/parse.js';
import { sourcesRead, stageChain } from '../../dockerfile/stages.js';
import { RULES, type LintRule, type Report } from './rules.js';
import { assignments, checkStage, words } from './stage-checks.js';
import type { LintFinding } from '../contract.js';

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

/** Every image the build reads, FROM lines and COPY/mount sources, pinned to a version or digest. */
function checkBases(doc: ParsedDockerfile, report: Report): void {
  const globals = globalArgValues(doc);
  const stages = new Set(doc.stages.flatMap(s => [String(s.index), ...(s.name ? [s.name] : [])]));
  const earlier = new Set<string>();
  const check = (reference: string, line: number, what: string) => {
    const resolved = expandArgs(reference, globals);
    if (!resolved || resolved === 'scratch' || earlier.has(resolved.toLowerCase()) || isPinned(resolved))
      return;
    const shown = resolved === reference ? reference : `${reference} (= ${resolved})`;
    report('SS001', line, `${what} ${shown} is not pinned: "latest" or no tag can change under you`);
  };
  for (const stage of doc.stages) {
    check(stage.from, stage.instructions[0].line, 'base image');
    if (stage.name) earlier.add(stage.name);
    earlier.add(String(stage.index));
    for (const [image, instruction] of sourcesRead(stage)) {
      if (!stages.has(image.toLowerCase())) check(image, instruction.line, 'image');
    }
  }
}

/** Windows' and Linux's names for the administrator. */
const ROOT_USERS = new Set(['root', '0', 'containeradministrator']);

/** The user a USER line names, build args resolved from the ARG defaults declared before it. */
function userOf(user: Instruction, chain: Stage[], globals: Record<string, string>): string {
  const defaults = { ...globals };
  const args = chain.flatMap(stage =>
    stage.instructions.filter(i => i.keyword === 'ARG' && i.line < user.line)
  );
  for (const arg of args.sort((a, b) => a.line - b.line)) {
    for (const [name, value] of assignments(arg)) if (value !== undefined) defaults[name] = value;
  }
  const name = user.args.trim().split(':')[0];
  return expandArgs(name, defaults) ?? name;
}

function checkRuntime(doc: ParsedDockerfile, chain: Stage[], report: Report): void {
  const final = chain[0];
  const fromLine = final.instructions[0].line;
  // A scratch image holds a static binary and nothing to run a probe or look up a user with.
  const scratch = chain[chain.length - 1].from.toLowerCase() === 'scratch';
  const user = effective(chain, 'USER');
  const who = user && userOf(user, chain, globalArgValues(doc));
  if (!user && !scratch) report('SS002', fromLine, 'the image runs as root: the final stage never sets USER');
  else if (user && ROOT_USERS.has((who ?? '').toLowerCase()))
    report(
      'SS002',
      user.line,
      `the image runs as root: USER ${user.args.trim()}${who === user.args.trim() ? '' : ` (= ${who})`}`
    );

  const healthcheck = effective(chain, 'HEALTHCHECK');
  if (!healthcheck && !scratch) report('SS003', fromLine, 'the final stage has no HEALTHCHECK');
  else if (healthcheck && /^none$/i.test(healthcheck.args.trim()))
    report('SS003', healthcheck.line, "HEALTHCHECK NONE turns off the health check (the base image's too)");

  for (const keyword of ['CMD', 'ENTRYPOINT']) {
    const command = effective(chain, keyword);
    const args = command?.args.trim() ?? '';
    // `exec prog` replaces the shell: signals reach the program.
    if (command && !args.startsWith('[') && !/^exec\s/.test(args)) {
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

const IGNORE_COMMENT = /^(?:shipshape-ignore\s|hadolint\s{1,16}ignore=)(.+)$/i;
const GLOBAL_IGNORE_COMMENT = /^hadolint\s{1,16}global\s{1,16}ignore=(.+)$/i;
const idList = (text: string): string[] => text.split(/[\s,]+/).map(s => s.toLowerCase());

/**
 * Which findings to leave out: `lint-ignore` and `.hadolint.yaml`'s `ignored:` everywhere, a
 * `# hadolint global ignore=…` comment everywhere, and a `# shipshape-ignore SS013, pip-cache`
 * or `# hadolint ignore=DL3009` comment for the instruction on the next line. A finding goes
 * when any of its names (rule id, rule name, hadolint ids) is ignored there.
 */
export function ignoring(
  doc: ParsedDockerfile,
  ignore: string[]
): (names: string[], line: number) => boolean {
  const everywhere = new Set(ignore.map(i => i.toLowerCase()));
  const byLine = new Map<number, Set<string>>();
  for (const comment of doc.comments) {
    const text = comment.text.trim();
    const global = GLOBAL_IGNORE_COMMENT.exec(text);
    if (global) for (const id of idList(global[1])) everywhere.add(id);
    const local = !global && IGNORE_COMMENT.exec(text);
    if (local) byLine.set(comment.line + 1, new Set(idList(local[1])));
  }
  return (names, line) =>
    names.some(n => everywhere.has(n.toLowerCase()) || byLine.get(line)?.has(n.toLowerCase()));
}

export function lintDockerfile(text: string, options: LintOptions): LintIssue[] {
  return lintParsed(parseDockerfile(text), options);
}

/** The findings of Shipshape's rules on a Dockerfile already parsed. */
export function lintParsed(doc: ParsedDockerfile, options: LintOptions): LintIssue[] {
  const findings: LintIssue[] = [];
  const ignored = ignoring(doc, options.ignore);
  const report: Report = (id, line, message) => {
    const rule: LintRule = { id, ...RULES[id] };
    if (ignored([id, rule.name, ...(rule.hadolint ?? [])], line)) return;
    if (findings.some(f => f.rule === id && f.line === line && f.message === message)) return;
    findings.push({ rule: id, name: rule.name, severity: rule.severity, line, message, fix: rule.fix });
  };
  if (doc.stages.length === 0) {
    throw new Error('the Dockerfile has no FROM instruction');
  }
  checkBases(doc, report);
  const shipped = stageChain(doc, options.target);
  for (const stage of doc.stages) {
    const parents = stageChain(doc, stage.name ?? String(stage.index)).slice(1);
    const inheritedEnv = new Set(
      parents.flatMap(p =>
        p.instructions.filter(i => i.keyword === 'ENV').flatMap(i => assignments(i).map(([name]) => name))
      )
    );
    checkStage(stage, { inheritedEnv, ships: shipped.includes(stage) }, report);
  }
  checkRuntime(doc, shipped, report);
  checkProbedPorts(doc, report);
  checkDockerignore(options.dockerignore, report);
  return findings.sort((a, b) => a.line - b.line || byCodeUnit(a.rule, b.rule));
}
