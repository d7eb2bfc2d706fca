import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

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

/** Nice 10: a process at it gets about a tenth of a core that one at the default priority wants. */
const BACKGROUND_NICENESS = 10;
const background = new AsyncLocalStorage<true>();

/**
 * Runs `work` with every process it starts (and theirs) at a lower CPU priority, to the end of
 * those processes: work beside the critical path takes only the CPU that path leaves. No
 * privilege raises it back, so only work with time to spare belongs here.
 */
export function inBackground<T>(work: () => T): T {
  return background.run(true, work);
}

/** Lowers a started process's priority; one that already ended has nothing to lower. */
function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, BACKGROUND_NICENESS);
  } catch {
    // ESRCH: it ended before it could be lowered.
  }
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
    if (background.getStore()) lowerPriority(child.pid);
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
