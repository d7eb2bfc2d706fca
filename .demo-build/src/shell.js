export function splitCommands(script) {
  return tokenize(script).map(stripPrefixes);
}
/** Quote-aware words grouped by command, with nothing dropped (ENV/ARG read their pairs here). */
export function tokenize(script) {
  const commands = [];
  let words = [];
  let word = '';
  let inWord = false;
  let quote;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = pipe => {
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
      word += c;
      inWord = true;
    }
  }
  endCommand(false);
  return commands;
}
/** Drops `VAR=value` assignments and wrappers such as `sudo`/`env` in front of a command. */
function stripPrefixes(command) {
  let i = 0;
  while (i < command.words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(command.words[i])) i++;
  return { ...command, words: command.words.slice(i) };
}
/** The program of a command with `sudo`, `env` and `exec` wrappers looked through. */
export function program(words) {
  let i = 0;
  let sudo = false;
  while (i < words.length && ['sudo', 'env', 'exec', 'command', 'nice'].includes(words[i])) {
    if (words[i] === 'sudo') sudo = true;
    i++;
    while (i < words.length && (words[i].startsWith('-') || /^[A-Za-z_]\w*=/.test(words[i]))) i++;
  }
  return { name: (words[i] ?? '').split('/').pop() ?? '', args: words.slice(i + 1), sudo };
}
/** The shell script a RUN executes: exec form joined, heredoc bodies unwrapped. */
export function runScript(args) {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parts = JSON.parse(trimmed);
      if (Array.isArray(parts)) return parts.map(String).join(' ');
    } catch {
      // Not valid JSON: Docker runs it with the shell, so read it as shell too.
    }
  }
  const heredoc = /^<<-?\s*["']?(\w+)["']?[^\n]*\n([\s\S]*?)\n\s*\1\s*$/.exec(trimmed);
  return heredoc ? heredoc[2] : trimmed;
}
