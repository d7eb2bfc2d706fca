import type { LintSeverity } from '../contract.js';

export interface LintRule {
  id: string;
  name: string;
  severity: LintSeverity;
  fix: string;
  /** hadolint's ids for the same check: its ignore comments and `.hadolint.yaml` carry over. */
  hadolint?: readonly string[];
}

/** The container tutorials' Dockerfile advice, one stable id per practice. */
export const RULES = {
  SS001: {
    name: 'base-not-pinned',
    severity: 'warning',
    fix: 'Pin the base image to a version tag or a digest, e.g. python:3.12.12-slim.',
    hadolint: ['DL3006', 'DL3007']
  },
  SS002: {
    name: 'runs-as-root',
    severity: 'warning',
    fix: 'Create an unprivileged user and switch to it with USER before CMD.',
    hadolint: ['DL3002']
  },
  SS003: {
    name: 'no-healthcheck',
    severity: 'warning',
    fix: 'Add HEALTHCHECK CMD <probe> so orchestrators (and Shipshape) can tell when it is ready.'
  },
  SS004: {
    name: 'add-local-files',
    severity: 'warning',
    fix: 'Use COPY for local files; ADD only for auto-extracting a local tar archive.',
    hadolint: ['DL3020']
  },
  SS005: {
    name: 'add-url',
    severity: 'warning',
    fix: 'Download with curl/wget in a RUN (verify a checksum) or use ADD --checksum=.'
  },
  SS006: {
    name: 'apt-get-no-yes',
    severity: 'error',
    fix: 'Add -y: without it apt-get waits for an answer that never comes and the build aborts.',
    hadolint: ['DL3014']
  },
  SS007: {
    name: 'apt-get-recommends',
    severity: 'warning',
    fix: 'Add --no-install-recommends to keep the image small.',
    hadolint: ['DL3015']
  },
  SS008: {
    name: 'apt-lists-kept',
    severity: 'warning',
    fix: 'End the same RUN with rm -rf /var/lib/apt/lists/*.',
    hadolint: ['DL3009']
  },
  SS009: {
    name: 'apt-get-upgrade',
    severity: 'warning',
    fix: 'Do not upgrade in the image; update the base image instead.',
    hadolint: ['DL3005']
  },
  SS010: { name: 'apk-no-cache', severity: 'warning', fix: 'Use apk add --no-cache.', hadolint: ['DL3019'] },
  SS011: {
    name: 'pip-cache',
    severity: 'warning',
    fix: 'Use pip install --no-cache-dir (or set PIP_NO_CACHE_DIR=1).',
    hadolint: ['DL3042']
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
    fix: 'Use the exec form ["prog", "arg"] so signals reach the process, or an init such as tini.',
    hadolint: ['DL3025']
  },
  SS016: {
    name: 'repeated-command',
    severity: 'warning',
    fix: 'Keep one CMD and one ENTRYPOINT per stage; only the last one takes effect.',
    hadolint: ['DL4003', 'DL4004']
  },
  SS017: { name: 'cd-in-run', severity: 'info', fix: 'Use WORKDIR instead of cd.', hadolint: ['DL3003'] },
  SS018: {
    name: 'relative-workdir',
    severity: 'warning',
    fix: 'Use an absolute WORKDIR path.',
    hadolint: ['DL3000']
  },
  SS019: {
    name: 'sudo',
    severity: 'warning',
    fix: 'Drop sudo: RUN already runs as the current USER; switch USER instead.',
    hadolint: ['DL3004']
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
  },
  SS022: {
    name: 'secret-build-arg',
    severity: 'warning',
    fix: 'Pass it as a build secret (RUN --mount=type=secret, the secrets input): build args stay in the image history and the provenance.'
  },
  SS023: {
    name: 'pipe-without-pipefail',
    severity: 'warning',
    fix: 'Start the RUN with set -o pipefail && … (or SHELL ["/bin/bash", "-o", "pipefail", "-c"]) so a failure before the pipe fails the build.',
    hadolint: ['DL4006']
  },
  SS024: {
    name: 'apt-not-apt-get',
    severity: 'warning',
    fix: 'Use apt-get or apt-cache: apt warns that its command line is not stable for scripts.',
    hadolint: ['DL3027']
  },
  SS025: {
    name: 'unpinned-package',
    severity: 'info',
    fix: 'Pin each version (pip install flask==3.1.0, npm install left-pad@1.3.0, apk add curl=8.5.0-r0) or install from a lock file.',
    hadolint: ['DL3013', 'DL3016', 'DL3018']
  }
} as const satisfies Record<string, Omit<LintRule, 'id'>>;

export type RuleId = keyof typeof RULES;

/** How a check reports what it found: the rule, the Dockerfile line and what is wrong there. */
export type Report = (id: RuleId, line: number, message: string) => void;
