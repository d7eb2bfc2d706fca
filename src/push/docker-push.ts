import { docker } from '../common/docker.js';
import { lastLines } from '../common/process.js';
import { retry } from '../common/retry.js';
import { logUntrusted } from '../common/untrusted.js';

const DENIED = /unauthorized|denied|authentication required|no basic auth credentials|forbidden|\b40[13]\b/i;
/** Answers another attempt cannot change: a registry in read-only mode, a refused method. */
const REFUSED = /method not allowed|\b405\b|read-only|unsupported/i;
const PUSH_ATTEMPTS = 4;

/** A failed `docker push`; `denied` and `refused` ones are not retried. */
class PushFailure extends Error {
  readonly denied: boolean;
  readonly refused: boolean;
  constructor(
    readonly last: string,
    output: string
  ) {
    super(last);
    this.denied = DENIED.test(output);
    this.refused = REFUSED.test(output);
  }
}

/** `docker push` of one reference with retries on transient failures; returns the pushed digest. */
export async function dockerPush(reference: string, env: Record<string, string>): Promise<string> {
  const once = async (): Promise<string> => {
    const result = await docker(['push', reference], { env });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0) throw new PushFailure(lastLines(output, 1), output);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
    if (!digest) throw new Error(`docker push ${reference} reported no digest`);
    return digest;
  };
  try {
    return await retry(once, {
      attempts: PUSH_ATTEMPTS,
      retryable: error => error instanceof PushFailure && !error.denied && !error.refused,
      onRetry: (error, delay) =>
        logUntrusted(`push of ${reference} failed (${(error as Error).message}); retrying in ${delay} ms`)
    });
  } catch (error) {
    if (!(error instanceof PushFailure)) throw error;
    if (error.denied) {
      throw new Error(
        `push of ${reference} was refused: ${error.last}. Check the registry credentials; for GHCR the workflow needs \`permissions: packages: write\`.`
      );
    }
    if (error.refused) throw new Error(`push of ${reference} was refused by the registry: ${error.last}`);
    throw new Error(`push of ${reference} failed after ${PUSH_ATTEMPTS} attempts: ${error.last}`);
  }
}
