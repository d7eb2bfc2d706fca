import type { Instruction } from '../../dockerfile/parse.js';
import type { Report } from '../rules/rules.js';
import { program, runScript, splitCommands, type SimpleCommand } from './commands.js';

const DEPENDENCY_INSTALL: [string, RegExp][] = [
  ['pip', /^(install|download)$/],
  ['npm', /^(ci|install|i)$/],
  ['yarn', /^(install)?$/],
  ['pnpm', /^(install|i)$/],
  ['bundle', /^install$/],
  ['composer', /^install$/],
  ['poetry', /^install$/],
  ['go', /^mod$/],
  ['cargo', /^fetch$/],
  ['mvn', /^dependency:/],
  ['gradle', /^dependencies$/]
];

/** apt-get options that take the next word as their value (`-o Dpkg::Options::=…`). */
const APT_VALUED = new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release']);
const PIP_FROM_FILE = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable']);

/** What a RUN is checked against: its stage's environment and whether the stage ships. */
export interface RunContext {
  /** ENV names set in the stage and the stages it is FROM. */
  env: Set<string>;
  /** The stage is in the image that ships: size rules apply (a builder stage's layers are left behind). */
  ships: boolean;
  /** ARGs named like secrets, declared in the stage. */
  secretArgs: Set<string>;
  /** The stage's SHELL already sets `-o pipefail`. */
  pipefail: boolean;
}

function cacheMount(instruction: Instruction, path: string): boolean {
  return instruction.mounts.some(m => m.includes('type=cache') && m.includes(path));
}

/** An apt-get command line's subcommand: the first word that is neither an option nor an option's value. */
function aptSubcommand(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (APT_VALUED.has(args[i])) i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
}

/** `-y`, `--yes`, `-qq` (which implies -y), `-q=2`, in any combined short form. */
const assumesYes = (args: string[]): boolean =>
  args.some(
    a =>
      ['--yes', '--assume-yes', '-qq', '-q=2', '--quiet=2'].includes(a) ||
      (/^-[a-z]+$/.test(a) && (a.includes('y') || a.split('q').length > 2))
  );

/** Package arguments that name no version: `pip install flask`, `npm install left-pad`, `apk add curl`. */
function unpinnedPackages(tool: string, args: string[]): string[] {
  const packages = args.filter(
    (a, i) => !a.startsWith('-') && !(tool === 'pip' && PIP_FROM_FILE.has(args[i - 1]))
  );
  if (tool === 'pip') return packages.filter(p => !/[=<>~@]|^\.|\/|\.(whl|tar\.gz)$/.test(p));
  if (tool === 'npm') return packages.filter(p => !/.@/.test(p) && !/^[./]/.test(p));
  return packages.filter(p => !p.includes('='));
}

/** The words after an install subcommand (`pip install`, `npm install`/`i`, `apk add`): its packages and options. */
function packageArgs(name: string, args: string[], pip: string[] | undefined, sub: string): string[] {
  if (pip) return pip[0] === 'install' ? pip.slice(1) : [];
  const installs =
    (name === 'npm' && ['install', 'i'].includes(sub)) || (name === 'apk' && args.includes('add'));
  return installs ? args.slice(args.indexOf(sub) + 1) : [];
}

function checkApt(
  command: { name: string; args: string[] },
  instruction: Instruction,
  ships: boolean,
  report: Report
) {
  const sub = aptSubcommand(command.args);
  if (command.name === 'apt')
    report('SS024', instruction.line, 'RUN uses apt, whose command line is made for people');
  if (sub === 'install') {
    if (!assumesYes(command.args)) report('SS006', instruction.line, `${command.name} install without -y`);
    if (ships && !command.args.includes('--no-install-recommends')) {
      report('SS007', instruction.line, `${command.name} install without --no-install-recommends`);
    }
  }
  if (sub && ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(sub)) {
    report('SS009', instruction.line, `${command.name} ${sub} in the image`);
  }
  return sub === 'install' || sub === 'update';
}

/** pip's arguments, whether called as pip, pip3 or python -m pip. */
function pipArgs(name: string, args: string[]): string[] | undefined {
  if (/^pip[\d.]*$/.test(name)) return args;
  return /^python[\d.]*$/.test(name) && args[0] === '-m' && args[1] === 'pip' ? args.slice(2) : undefined;
}

/** Checks one RUN; returns whether it installs dependencies, so a COPY of the whole context before it is reported. */
export function checkRun(instruction: Instruction, context: RunContext, report: Report): boolean {
  const script = runScript(instruction.args);
  const commands = splitCommands(script);
  let installsDependencies = false;
  let touchesApt = false;
  let cleansApt = false;
  const exec = instruction.args.trim().startsWith('[');
  const setsPipefail = context.pipefail || /\bpipefail\b/.test(script);
  if (!exec && !setsPipefail && commands.some(c => c.pipesToNext)) {
    report('SS023', instruction.line, 'RUN pipes one command into another without set -o pipefail');
  }
  const used = new Set([...script.matchAll(/\$\{?(\w+)/g)].map(m => m[1]));
  for (const secret of context.secretArgs) {
    if (used.has(secret)) {
      report(
        'SS022',
        instruction.line,
        `RUN uses the build arg ${secret}: its value is kept in the build's record`
      );
    }
  }
  commands.forEach((command: SimpleCommand, index) => {
    const { name, args, sudo } = program(command.words);
    if (sudo) report('SS019', instruction.line, 'RUN uses sudo');
    if (name === 'cd')
      report('SS017', instruction.line, `RUN changes directory with cd ${args[0] ?? ''}`.trim());
    const next = commands[index + 1];
    if (command.pipesToNext && ['curl', 'wget'].includes(name) && next) {
      const target = program(next.words).name;
      if (/^(sh|bash|zsh|ash|dash|ksh|python3?|perl|ruby)$/.test(target)) {
        report('SS020', instruction.line, `RUN pipes ${name} straight into ${target}`);
      }
    }
    if (name === 'apt-get' || name === 'apt')
      touchesApt = checkApt({ name, args }, instruction, context.ships, report) || touchesApt;
    if (name === 'rm' && args.some(a => a.startsWith('/var/lib/apt/lists'))) cleansApt = true;
    const apkAdd = name === 'apk' && args.includes('add');
    if (
      apkAdd &&
      context.ships &&
      !args.includes('--no-cache') &&
      !cacheMount(instruction, '/var/cache/apk')
    ) {
      report('SS010', instruction.line, 'apk add without --no-cache');
    }
    const pip = pipArgs(name, args);
    const pipCache =
      !pip?.includes('--no-cache-dir') &&
      !context.env.has('PIP_NO_CACHE_DIR') &&
      !cacheMount(instruction, '.cache/pip');
    if (pip?.[0] === 'install' && context.ships && pipCache) {
      report('SS011', instruction.line, 'pip install without --no-cache-dir');
    }
    const tool = pip ? 'pip' : name;
    const sub = pip ? pip[0] : (args.find(a => !a.startsWith('-')) ?? '');
    const unpinned = unpinnedPackages(tool, packageArgs(name, args, pip, sub));
    if (unpinned.length > 0)
      report('SS025', instruction.line, `${tool} installs ${unpinned.join(', ')} without a version`);
    if (DEPENDENCY_INSTALL.some(([t, subcommand]) => t === tool && subcommand.test(sub)))
      installsDependencies = true;
  });
  if (touchesApt && context.ships && !cleansApt && !cacheMount(instruction, '/var/lib/apt')) {
    report('SS008', instruction.line, 'apt package lists are left in the layer');
  }
  return installsDependencies;
}
