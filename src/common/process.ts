import { spawn } from 'node:child_process';

export interface ProcessOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Written to stdin, which is closed after it. */
  input?: string | Buffer;
  /** The process is killed (SIGKILL) when it runs longer. */
  timeoutMs?: number;
  /** Kills the process when aborted. */
  signal?: AbortSignal;
  /** Each complete line of stdout and stderr as it arrives. */
  onLine?: (line: string) => void;
}

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Feeds complete lines of a stream to a callback, keeping the unfinished rest. */
function lineSplitter(onLine: (line: string) => void): { push: (chunk: string) => void; flush: () => void } {
  let rest = '';
  return {
    push: chunk => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    flush: () => {
      if (rest) onLine(rest);
      rest = '';
    }
  };
}

/**
 * Runs a program and collects its output. Resolves with the exit code whatever it is; rejects
 * only when the program cannot be started at all.
 */
export function runProcess(
  bin: string,
  args: string[],
  options: ProcessOptions = {}
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const splitters = options.onLine ? [lineSplitter(options.onLine), lineSplitter(options.onLine)] : [];
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      splitters[0]?.push(d.toString());
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      splitters[1]?.push(d.toString());
    });
    const kill = (): void => void child.kill('SIGKILL');
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    if (options.signal?.aborted) kill();
    const done = (): void => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
    };
    child.on('error', error => {
      done();
      reject(error);
    });
    child.on('close', code => {
      done();
      for (const s of splitters) s.flush();
      resolve({ exitCode: code ?? -1, stdout, stderr, timedOut });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The last `n` non-empty lines of some output, for error messages. */
export function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .filter(l => l.trim())
    .slice(-n)
    .join('\n');
}
