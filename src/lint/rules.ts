import type { LintSeverity } from './contract.js';

export interface LintRule {
  id: string;
  name: string;
  severity: LintSeverity;
  fix: string;
}

/** The container tutorials' Dockerfile advice, one stable id per practice. */
export const RULES = {
  SS001: {
    name: 'base-not-pinned',
    severity: 'warning',
    fix: 'Pin the base image to a version tag or a digest, e.g. python:3.12.12-slim.'
  },
  SS002: {
    name: 'runs-as-root',
    severity: 'warning',
    fix: 'Create an unprivileged user and switch to it with USER before CMD.'
  },
  SS003: {
    name: 'no-healthcheck',
    severity: 'warning',
    fix: 'Add HEALTHCHECK CMD <probe> so orchestrators (and Shipshape) can tell when it is ready.'
  },
  SS004: {
    name: 'add-local-files',
    severity: 'warning',
    fix: 'Use COPY for local files; ADD only for auto-extracting a local tar archive.'
  },
  SS005: {
    name: 'add-url',
    severity: 'warning',
    fix: 'Download with curl/wget in a RUN (verify a checksum) or use ADD --checksum=.'
  },
  SS006: {
    name: 'apt-get-no-yes',
    severity: 'error',
    fix: 'Add -y: without it apt-get waits for an answer that never comes and the build aborts.'
  },
  SS007: {
    name: 'apt-get-recommends',
    severity: 'warning',
    fix: 'Add --no-install-recommends to keep the image small.'
  },
  SS008: {
    name: 'apt-lists-kept',
    severity: 'warning',
    fix: 'End the same RUN with rm -rf /var/lib/apt/lists/*.'
  },
  SS009: {
    name: 'apt-get-upgrade',
    severity: 'warning',
    fix: 'Do not upgrade in the image; update the base image instead.'
  },
  SS010: { name: 'apk-no-cache', severity: 'warning', fix: 'Use apk add --no-cache.' },
  SS011: {
    name: 'pip-cache',
    severity: 'warning',
    fix: 'Use pip install --no-cache-dir (or set PIP_NO_CACHE_DIR=1).'
  },
  SS012: {
    name: 'copy-all-before-install',
    severity: 'warning',
    fix: 'Copy the dependency manifest first, install, then COPY . . so code changes keep the install layer cached.'
  },
  SS013: {
    name: 'secret-in-image',
    severity: 'error',
    fix: 'Pass secrets at build time with RUN --mount=type=secret, or at run time; never bake them into ENV/ARG.'
  },
  SS014: {
    name: 'dockerignore',
    severity: 'warning',
    fix: 'Add a .dockerignore that excludes at least .git (and build output, .env files).'
  },
  SS015: {
    name: 'shell-form-command',
    severity: 'warning',
    fix: 'Use the exec form ["prog", "arg"] so signals reach the process, or an init such as tini.'
  },
  SS016: {
    name: 'repeated-command',
    severity: 'warning',
    fix: 'Keep one CMD and one ENTRYPOINT per stage; only the last one takes effect.'
  },
  SS017: { name: 'cd-in-run', severity: 'info', fix: 'Use WORKDIR instead of cd.' },
  SS018: { name: 'relative-workdir', severity: 'warning', fix: 'Use an absolute WORKDIR path.' },
  SS019: {
    name: 'sudo',
    severity: 'warning',
    fix: 'Drop sudo: RUN already runs as the current USER; switch USER instead.'
  },
  SS020: {
    name: 'curl-pipe-shell',
    severity: 'warning',
    fix: 'Download to a file, verify its checksum, then run it.'
  },
  SS021: {
    name: 'healthcheck-port-not-exposed',
    severity: 'info',
    fix: 'EXPOSE the port the HEALTHCHECK probes.'
  }
} as const satisfies Record<string, Omit<LintRule, 'id'>>;

export type RuleId = keyof typeof RULES;

/** How a check reports what it found: the rule, the Dockerfile line and what is wrong there. */
export type Report = (id: RuleId, line: number, message: string) => void;
