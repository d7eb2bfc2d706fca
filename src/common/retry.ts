/**
 * The one retry loop: bounded attempts with exponential backoff. Every delay derives from one
 * base, read here only; SHIPSHAPE_RETRY_BASE_MS shortens it in tests.
 */
export function retryBaseMs(): number {
  const value = Number(process.env.SHIPSHAPE_RETRY_BASE_MS);
  return process.env.SHIPSHAPE_RETRY_BASE_MS && Number.isFinite(value) && value >= 0 ? value : 1000;
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

export interface RetryOptions {
  attempts: number;
  /** Whether an error is worth another attempt; default: every error is. */
  retryable?: (error: unknown) => boolean;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (error: unknown, delayMs: number, nextAttempt: number) => void;
}

/** Calls `fn` until it resolves, waiting base·2^attempt between tries; rethrows the last error. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !(options.retryable?.(error) ?? true)) throw error;
      const delay = retryBaseMs() * 2 ** attempt;
      options.onRetry?.(error, delay, attempt + 1);
      await sleep(delay);
    }
  }
}
