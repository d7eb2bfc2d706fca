import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { retryBaseMs } from './retry.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Repo {
  owner: string;
  repo: string;
}

const MAX_RATE_LIMIT_RETRIES = 2;

/** Read per call (not at import) so GHES and tests can point it elsewhere. */
export const apiUrl = (): string => process.env.GITHUB_API_URL || 'https://api.github.com';

/** Octokit for GITHUB_API_URL with retries on 5xx and rate limits honouring Retry-After, bounded. */
export function octokit(token: string): Octokit {
  return getOctokit(
    token,
    {
      baseUrl: apiUrl(),
      retry: { retryAfterBaseValue: retryBaseMs() },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _kit: unknown,
          retryCount: number
        ) => {
          core.info(`GitHub rate limit on ${options.method} ${options.url}; retrying after ${retryAfter} s`);
          return retryCount < MAX_RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _kit: unknown,
          retryCount: number
        ) => {
          core.info(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying after ${retryAfter} s`
          );
          return retryCount < MAX_RATE_LIMIT_RETRIES;
        }
      }
    },
    retry,
    throttling
  );
}

export const statusOf = (error: unknown): number | undefined => (error as { status?: number }).status;
