import { afterEach, describe, expect, test } from '@jest/globals';
import { lastLines, runProcess } from '../../src/common/process.js';
import { retry } from '../../src/common/retry.js';

describe('runProcess', () => {
  test('collects stdout, stderr and the exit code; stdin gets the input', async () => {
    const result = await runProcess('sh', ['-c', 'read x; echo "got $x"; echo oops >&2; exit 3'], {
      input: 'hello\n'
    });
    expect(result).toEqual({ exitCode: 3, stdout: 'got hello\n', stderr: 'oops\n', timedOut: false });
  });

  test('onLine sees whole lines even when a line arrives in pieces', async () => {
    const lines: string[] = [];
    await runProcess('sh', ['-c', 'printf "one\\ntw"; sleep 0.2; printf "o\\nthree"'], {
      onLine: line => lines.push(line)
    });
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  test('a process past its time limit is killed and reported as timed out', async () => {
    const started = Date.now();
    const result = await runProcess('sleep', ['30'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('aborting the signal kills the process', async () => {
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(), 200);
    const result = await runProcess('sleep', ['30'], { signal: stop.signal });
    expect(result.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a program that cannot start rejects', async () => {
    await expect(runProcess('/nonexistent/tool', [])).rejects.toThrow(/ENOENT/);
  });

  test('lastLines keeps the last non-empty lines', () => {
    expect(lastLines('a\n\nb\nc\n\n', 2)).toBe('b\nc');
  });
});

describe('retry', () => {
  afterEach(() => {
    delete process.env.SHIPSHAPE_RETRY_BASE_MS;
  });

  test('retries until success, waiting twice as long each time', async () => {
    process.env.SHIPSHAPE_RETRY_BASE_MS = '5';
    const delays: number[] = [];
    let calls = 0;
    const value = await retry(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(new Error(`fail ${calls}`)) : Promise.resolve('ok');
      },
      { attempts: 4, onRetry: (_e, delay) => delays.push(delay) }
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([10, 20]);
  });

  test('stops at the attempt limit and throws the last error', async () => {
    process.env.SHIPSHAPE_RETRY_BASE_MS = '1';
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          return Promise.reject(new Error(`fail ${calls}`));
        },
        { attempts: 3 }
      )
    ).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });

  test('an error that is not retryable is thrown at once', async () => {
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          return Promise.reject(new Error('denied'));
        },
        { attempts: 5, retryable: () => false }
      )
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});
