/**
 * What the Actions runner makes of a step's stdout, line by line, as its command manager does
 * (it reads lines with .NET's StreamReader.ReadLine, so `\r`, `\n` and `\r\n` each end one):
 * `::name props::data` and `##[name props]data` lines are workflow commands unless a
 * `::stop-commands::TOKEN` span is open; such a span ends only at the line `::TOKEN::`.
 */
export interface RunnerCommand {
  name: string;
  data: string;
  line: string;
}

export interface RunnerLog {
  /** Commands the runner would act on (masks, annotations, outputs, …). */
  commands: RunnerCommand[];
  /** Lines the runner would show in the log (commands it acts on are not shown as text). */
  shown: string[];
}

const V2 = /^::([A-Za-z-]+)(?: [^:]*)?::(.*)$/;
const V1 = /^##\[([A-Za-z-]+)(?: [^\]]*)?\](.*)$/;

export function readRunnerLog(stdout: string): RunnerLog {
  const commands: RunnerCommand[] = [];
  const shown: string[] = [];
  let resumeToken: string | undefined;
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const trimmed = line.trim();
    if (resumeToken !== undefined) {
      if (trimmed === `::${resumeToken}::`) resumeToken = undefined;
      else shown.push(line);
      continue;
    }
    const match = V2.exec(trimmed) ?? V1.exec(trimmed);
    if (!match) {
      shown.push(line);
      continue;
    }
    const [, name, data] = match;
    commands.push({ name, data, line: trimmed });
    if (name === 'stop-commands') resumeToken = data;
  }
  return { commands, shown };
}

/** Collects what this process writes to stdout (where @actions/core writes commands) until stop(). */
export function captureStdout(): { text: () => string; stop: () => void } {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    text += String(chunk);
    return true;
  };
  return {
    text: () => text,
    stop: () => {
      process.stdout.write = write;
    }
  };
}
