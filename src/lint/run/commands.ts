import { jsonForm } from '../../dockerfile/parse.js';

/**
 * Just enough POSIX shell reading to look at the commands inside a RUN: quote-aware words,
 * split into simple commands at `&&`, `||`, `;`, `|`, `&` and newlines.
 */
export interface SimpleCommand {
  words: string[];
  /** True when this command's output is piped into the next one. */
  pipesToNext: boolean;
}

export function splitCommands(script: string): SimpleCommand[] {
  return tokenize(script).map(stripPrefixes);
}

const PLAIN = /[^"'\\|&;\n() \t]+/y;

/** Quote-aware words grouped by command, with nothing dropped (ENV/ARG read their pairs here). */
export function tokenize(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (pipe: boolean): void => {
    endWord();
    if (words.length > 0) commands.push({ words, pipesToNext: pipe });
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < script.length) word += script[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && script[i + 1] === '\n') i++;
    else if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
    } else if (c === '#' && !inWord) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
    } else if (c === '|' && script[i + 1] !== '|') endCommand(true);
    else if (c === '&' || c === '|' || c === ';' || c === '\n' || c === '(' || c === ')') {
      if ((c === '&' || c === '|') && script[i + 1] === c) i++;
      endCommand(false);
    } else if (c === ' ' || c === '\t') endWord();
    else {
      // A run of ordinary characters is taken in one slice, not one concatenation per character.
      PLAIN.lastIndex = i;
      const run = PLAIN.exec(script)?.[0] ?? c;
      word += run;
      i += run.length - 1;
      inWord = true;
    }
  }
  endCommand(false);
  return commands;
}

/** Drops `VAR=value` assignments and wrappers such as `sudo`/`env` in front of a command. */
function stripPrefixes(command: SimpleCommand): SimpleCommand {
  let i = 0;
  while (i < command.words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(command.words[i])) i++;
  return { ...command, words: command.words.slice(i) };
}

/** The program of a command with `sudo`, `env` and `exec` wrappers looked through. */
export function program(words: string[]): { name: string; args: string[]; sudo: boolean } {
  let i = 0;
  let sudo = false;
  while (i < words.length && ['sudo', 'env', 'exec', 'command', 'nice'].includes(words[i])) {
    if (words[i] === 'sudo') sudo = true;
    i++;
    while (i < words.length && (words[i].startsWith('-') || /^[A-Za-z_]\w*=/.test(words[i]))) i++;
  }
  return { name: (words[i] ?? '').split('/').pop() ?? '', args: words.slice(i + 1), sudo };
}

/** A first line that hands a heredoc to a shell (`bash -e <<EOF`): its body is script, not data. */
const SHELL_READS_HEREDOC = /^(?:\S*\/)?(?:ba|da|z|k|a)?sh(?:\s+-\w+)*\s+<</;

/**
 * The shell script a RUN executes: exec form joined, a `RUN <<EOF` script's body unwrapped.
 * A heredoc fed to anything but a shell (`cat <<EOT > /entrypoint`) is a file's content:
 * only its first line is script.
 */
export function runScript(args: string): string {
  const exec = jsonForm(args);
  if (exec) return exec.join(' ');
  const trimmed = args.trim();
  const [first, ...body] = trimmed.split('\n');
  if (body.length === 0 || !first.includes('<<')) return trimmed;
  // `<<WORD` then the body, up to a last line that is WORD.
  const opener =
    /^<<-?\s*["']?(\w+)/.exec(trimmed) ??
    (SHELL_READS_HEREDOC.test(first) ? /<<-?\s*["']?(\w+)/.exec(first) : null);
  if (opener && body[body.length - 1].trim() === opener[1]) return body.slice(0, -1).join('\n');
  return first;
}
