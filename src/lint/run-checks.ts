import type { Instruction } from '../dockerfile/parse.js';
import type { Report } from './rules.js';
import { program, runScript, splitCommands, type SimpleCommand } from './run-commands.js';

const DEPENDENCY_INSTALL: [string, RegExp][] = [
  ['pip', /^(install|download)$/],
  ['pip3', /^(install|download)$/],
  ['npm', /^(ci|install|i)$/],
  ['yarn', /^(install)?$/],
  ['pnpm', /^(install|i)$/],
  ['bundle', /^install$/],
  ['composer', /^install$/],
  ['poetry', /^install$/],
  ['go', /^mod$/],
  ['cargo', /^(fetch|build)$/],
  ['mvn', /./],
  ['gradle', /./]
];

function cacheMount(instruction: Instruction, path: string): boolean {
  return (
    (instruction.flags.mount ?? '').includes('type=cache') && (instruction.flags.mount ?? '').includes(path)
  );
}

/** Checks one RUN; returns whether it installs dependencies, so a COPY of the whole context before it is reported. */
export function checkRun(instruction: Instruction, stageEnv: Set<string>, report: Report): boolean {
  const commands = splitCommands(runScript(instruction.args));
  let installsDependencies = false;
  let touchesApt = false;
  let cleansApt = false;
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
    if (name === 'apt-get' || name === 'apt') {
      const sub = args.find(a => !a.startsWith('-'));
      touchesApt ||= sub === 'install' || sub === 'update';
      if (sub === 'install') {
        const yes = args.some(
          a => a === '--yes' || a === '--assume-yes' || (/^-[a-z]+$/.test(a) && a.includes('y'))
        );
        if (!yes) report('SS006', instruction.line, `${name} install without -y`);
        if (!args.includes('--no-install-recommends')) {
          report('SS007', instruction.line, `${name} install without --no-install-recommends`);
        }
      }
      if (sub && ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(sub)) {
        report('SS009', instruction.line, `${name} ${sub} in the image`);
      }
    }
    if (name === 'rm' && args.some(a => a.startsWith('/var/lib/apt/lists'))) cleansApt = true;
    if (
      name === 'apk' &&
      args.includes('add') &&
      !args.includes('--no-cache') &&
      !cacheMount(instruction, '/var/cache/apk')
    ) {
      report('SS010', instruction.line, 'apk add without --no-cache');
    }
    const pip = /^pip[\d.]*$/.test(name)
      ? args
      : /^python[\d.]*$/.test(name) && args[0] === '-m' && args[1] === 'pip'
        ? args.slice(2)
        : undefined;
    if (
      pip &&
      pip[0] === 'install' &&
      !pip.includes('--no-cache-dir') &&
      !stageEnv.has('PIP_NO_CACHE_DIR') &&
      !cacheMount(instruction, '.cache/pip')
    ) {
      report('SS011', instruction.line, 'pip install without --no-cache-dir');
    }
    const pm = pip ? 'pip' : name;
    const sub = pip ? pip[0] : (args.find(a => !a.startsWith('-')) ?? '');
    if (DEPENDENCY_INSTALL.some(([tool, subcommand]) => tool === pm && subcommand.test(sub)))
      installsDependencies = true;
  });
  if (touchesApt && !cleansApt && !cacheMount(instruction, '/var/lib/apt')) {
    report('SS008', instruction.line, 'apt package lists are left in the layer');
  }
  return installsDependencies;
}
