import * as core from '@actions/core';
import { docker } from '../docker.js';
import { lastLines } from '../process.js';
import { retry } from '../retry.js';

const DENIED = /unauthorized|denied|authentication required|forbidden|\b40[13]\b/i;
const PUSH_ATTEMPTS = 4;

/** A failed `docker push`; `denied` ones are not retried. */
class PushFailure extends Error {
  constructor(
    readonly last: string,
    readonly denied: boolean
  ) {
    super(last);
  }
}

/** `docker push` of one reference with retries on transient failures; returns the pushed digest. */
export async function dockerPush(reference: string, env: Record<string, string>): Promise<string> {
  const once = async (): Promise<string> => {
    const result = await docker(['push', reference], { env });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0) throw new PushFailure(lastLines(output, 1), DENIED.test(output));
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
    if (!digest) throw new Error(`docker push ${reference} reported no digest`);
    return digest;
  };
  try {
    return await retry(once, {
      attempts: PUSH_ATTEMPTS,
      retryable: error => error instanceof PushFailure && !error.denied,
      onRetry: (error, delay) =>
        core.info(`push of ${reference} failed (${(error as Error).message}); retrying in ${delay} ms`)
    });
  } catch (error) {
    if (!(error instanceof PushFailure)) throw error;
    if (error.denied) {
      throw new Error(
        `push of ${reference} was refused: ${error.last}. Check the registry credentials; for GHCR the workflow needs \`permissions: packages: write\`.`
      );
    }
    throw new Error(`push of ${reference} failed after ${PUSH_ATTEMPTS} attempts: ${error.last}`);
  }
}
