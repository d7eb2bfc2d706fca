// Timing and statistics for the benchmarks.
import { spawn } from 'node:child_process';

export interface Stats {
  median: number;
  min: number;
  max: number;
  spread: number;
  runs: number[];
}

export interface Comparison {
  shipshape: Stats;
  other: Stats;
  /** Median of Shipshape over median of the other. */
  ratio: number;
  target: number;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const stats = (xs: number[]): Stats => ({
  median: Math.round(median(xs)),
  min: Math.round(Math.min(...xs)),
  max: Math.round(Math.max(...xs)),
  spread: Math.round(Math.max(...xs) - Math.min(...xs)),
  runs: xs.map(Math.round)
});

/** Two series measured in the same run, with their ratio of medians. */
export const compare = (ours: number[], theirs: number[], target: number): Comparison => ({
  shipshape: stats(ours),
  other: stats(theirs),
  ratio: +(median(ours) / median(theirs)).toFixed(3),
  target
});

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Runs a bash command; rejects with its last output when it fails. */
export function sh(command: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', code =>
      code === 0 ? resolve(out) : reject(new Error(`${command} → ${code}\n${out.slice(-2000)}`))
    );
  });
}

export const log = (text: string): void => console.log(`[bench] ${text}`);
