import { describe, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { lintDockerfile, type LintIssue } from '../../src/lint/rules/checks.js';
import { lintVerdict } from '../../src/lint/index.js';
import { hadolintIgnored } from '../../src/lint/hadolint-config.js';
import { RULES } from '../../src/lint/rules/rules.js';
import { ROOT } from '../helpers/docker.js';

const GOOD_IGNORE = '.git\n';
const NONE = Symbol('no .dockerignore');
const lint = (
  text: string,
  dockerignore: string | typeof NONE = GOOD_IGNORE,
  extra: { target?: string; ignore?: string[] } = {}
) =>
  lintDockerfile(text, {
    dockerignore: dockerignore === NONE ? undefined : dockerignore,
    ignore: extra.ignore ?? [],
    target: extra.target
  });
const ids = (findings: LintIssue[]) => findings.map(f => f.rule);

/** A Dockerfile that follows every practice; each case below changes one thing. */
const CLEAN = [
  'FROM python:3.12.12-slim',
  'WORKDIR /app',
  'COPY requirements.txt .',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'COPY . .',
  'EXPOSE 3000',
  'HEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1',
  'USER app',
  'CMD ["python", "app.py"]'
];
const withLines = (replace: Record<number, string | string[]>) =>
  CLEAN.flatMap((line, i) => (i in replace ? replace[i] : [line])).join('\n');

describe('each rule fires on its mistake and stays quiet on the fix', () => {
  test('the clean Dockerfile has no findings', () => {
    expect(lint(CLEAN.join('\n'))).toEqual([]);
  });

  test.each<[string, string, string, number]>([
    ['SS001', withLines({ 0: 'FROM python' }), withLines({ 0: 'FROM python:3.12.12-slim' }), 1],
    [
      'SS001',
      withLines({ 0: 'FROM python:latest' }),
      withLines({ 0: 'FROM python@sha256:' + 'a'.repeat(64) }),
      1
    ],
    [
      'SS001',
      withLines({ 0: ['ARG BASE=python', 'FROM ${BASE}'] }),
      withLines({ 0: ['ARG BASE=python:3.12', 'FROM ${BASE}'] }),
      2
    ],
    ['SS002', withLines({ 7: 'USER root' }), withLines({ 7: 'USER 1001:1001' }), 8],
    ['SS002', withLines({ 7: 'USER 0:0' }), CLEAN.join('\n'), 8],
    ['SS002', withLines({ 7: [] }), CLEAN.join('\n'), 1],
    ['SS003', withLines({ 6: [] }), CLEAN.join('\n'), 1],
    ['SS003', withLines({ 6: 'HEALTHCHECK NONE' }), CLEAN.join('\n'), 7],
    ['SS004', withLines({ 4: 'ADD . .' }), withLines({ 4: 'ADD rootfs.tar.gz /' }), 5],
    ['SS005', withLines({ 4: 'ADD https://example.com/x.tgz /opt/' }), CLEAN.join('\n'), 5],
    [
      'SS006',
      withLines({
        1: 'RUN apt-get update && apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'
      }),
      withLines({
        1: 'RUN apt-get update && apt-get install -qy --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'
      }),
      2
    ],
    [
      'SS007',
      withLines({ 1: 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*' }),
      withLines({
        1: 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'
      }),
      2
    ],
    [
      'SS008',
      withLines({ 1: 'RUN apt-get update && apt-get install -y --no-install-recommends curl' }),
      withLines({
        1: 'RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends curl'
      }),
      2
    ],
    [
      'SS009',
      withLines({ 1: 'RUN apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*' }),
      CLEAN.join('\n'),
      2
    ],
    ['SS010', withLines({ 1: 'RUN apk add curl' }), withLines({ 1: 'RUN apk add --no-cache curl' }), 2],
    [
      'SS011',
      withLines({ 3: 'RUN python3 -m pip install -r requirements.txt' }),
      withLines({ 3: ['ENV PIP_NO_CACHE_DIR=1', 'RUN pip install -r requirements.txt'] }),
      4
    ],
    ['SS012', withLines({ 2: 'COPY . .', 4: [] }), CLEAN.join('\n'), 3],
    [
      'SS013',
      withLines({ 1: 'ENV DB_PASSWORD=hunter2' }),
      withLines({ 1: 'ENV DB_PASSWORD_FILE=/run/secrets/db' }),
      2
    ],
    ['SS013', withLines({ 1: 'ARG GITHUB_TOKEN=ghp_123' }), withLines({ 1: 'ARG GITHUB_TOKEN' }), 2],
    ['SS013', withLines({ 1: 'ENV API_KEY secret-value' }), withLines({ 1: 'ENV API_KEY=${API_KEY}' }), 2],
    ['SS015', withLines({ 8: 'CMD python app.py' }), CLEAN.join('\n'), 9],
    [
      'SS015',
      withLines({ 8: 'ENTRYPOINT python app.py' }),
      withLines({ 8: 'ENTRYPOINT exec python app.py "$@"' }),
      9
    ],
    ['SS016', withLines({ 8: ['CMD ["a"]', 'CMD ["b"]'] }), CLEAN.join('\n'), 9],
    [
      'SS017',
      withLines({ 3: 'RUN cd /tmp && pip install --no-cache-dir -r /app/requirements.txt' }),
      CLEAN.join('\n'),
      4
    ],
    ['SS018', withLines({ 1: 'WORKDIR app' }), withLines({ 1: 'WORKDIR $HOME/app' }), 2],
    [
      'SS019',
      withLines({ 3: 'RUN sudo pip install --no-cache-dir -r requirements.txt' }),
      CLEAN.join('\n'),
      4
    ],
    [
      'SS020',
      withLines({ 3: 'RUN curl -fsSL https://get.example.com | bash' }),
      withLines({
        3: 'RUN curl -fsSLo /tmp/i.sh https://get.example.com && sha256sum -c i.sha && sh /tmp/i.sh'
      }),
      4
    ],
    ['SS020', withLines({ 3: 'RUN wget -qO- https://get.example.com | sudo sh -' }), CLEAN.join('\n'), 4],
    ['SS021', withLines({ 5: [] }), withLines({ 5: 'EXPOSE 3000/tcp' }), 6]
  ])('%s', (rule, bad, good, line) => {
    const found = lint(bad).filter(f => f.rule === rule);
    expect(found.map(f => f.line)).toEqual([line]);
    expect(found[0].fix).toBe(RULES[rule as keyof typeof RULES].fix);
    expect(lint(good).filter(f => f.rule === rule)).toEqual([]);
  });

  test.each<[string | typeof NONE, boolean]>([
    [NONE, true],
    ['node_modules\n', true],
    ['*\n!src\n', false],
    ['.git/\n', false],
    ['**/.git\n', false],
    ['.git\n!.git\n', true]
  ])('SS014 with .dockerignore %j fires: %s', (dockerignore, fires) => {
    expect(ids(lint(CLEAN.join('\n'), dockerignore)).includes('SS014')).toBe(fires);
  });
});

describe('multi-stage builds', () => {
  const multi = [
    'ARG GO=1.23.4',
    'FROM golang:${GO} AS build',
    'WORKDIR /src',
    'COPY go.mod go.sum ./',
    'RUN go mod download',
    'COPY . .',
    'RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app',
    'CMD go run .',
    'FROM gcr.io/distroless/static:nonroot',
    'COPY --from=build /out/app /app',
    'HEALTHCHECK CMD ["/app", "healthcheck"]',
    'USER nonroot',
    'ENTRYPOINT ["/app"]'
  ].join('\n');

  test('runtime rules look at the final stage only; COPY --from is not COPY . .', () => {
    // The build stage runs as root, has no HEALTHCHECK and a shell-form CMD: none of it ships.
    expect(lint(multi)).toEqual([]);
  });

  test('with target= the built stage is the one checked', () => {
    expect(ids(lint(multi, GOOD_IGNORE, { target: 'build' })).sort()).toEqual(['SS002', 'SS003', 'SS015']);
  });

  test('a final stage built FROM an earlier stage inherits its USER and HEALTHCHECK', () => {
    const text = [
      'FROM python:3.12.12-slim AS base',
      'HEALTHCHECK CMD ["python3", "-c", "print(1)"]',
      'USER 1000',
      'FROM base',
      'CMD ["python3", "app.py"]'
    ].join('\n');
    expect(lint(text)).toEqual([]);
  });

  test('heredoc RUN bodies, parser directives and line continuations are read', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      '# escape=\\',
      'FROM debian:12.8',
      'RUN <<EOF',
      'apt-get update',
      'apt-get install -y --no-install-recommends curl',
      'EOF',
      'RUN apt-get install \\',
      '      --no-install-recommends \\',
      '      -y tini && rm -rf /var/lib/apt/lists/*',
      'HEALTHCHECK CMD ["true"]',
      'USER 1000',
      'CMD ["tini", "--", "sleep", "1"]'
    ].join('\n');
    expect(lint(text).map(f => `${f.rule}@${f.line}`)).toEqual(['SS008@4']);
  });
});

describe('suppression', () => {
  const text = withLines({
    1: ['# shipshape-ignore SS013', 'ENV DB_PASSWORD=hunter2', 'ENV ADMIN_TOKEN=abc']
  });
  test('an inline comment on the line before skips that rule on that line only', () => {
    expect(lint(text).map(f => `${f.rule}@${f.line}`)).toEqual(['SS013@4']);
  });
  test('lint-ignore takes ids or names', () => {
    expect(lint(text, GOOD_IGNORE, { ignore: ['secret-in-image'] })).toEqual([]);
    expect(lint(text, GOOD_IGNORE, { ignore: ['ss013'] })).toEqual([]);
  });
});

describe('the gate', () => {
  const findings = lint(withLines({ 7: [], 1: 'ENV X_TOKEN=abc123' }), NONE);
  test.each<['error' | 'warning' | 'none', boolean]>([
    ['error', true],
    ['warning', true],
    ['none', false]
  ])('lint-fail-on=%s fails: %s', (level, fails) => {
    expect(lintVerdict(findings, level).verdict.status).toBe(fails ? 'failed' : 'passed');
  });
  test('warnings alone pass lint-fail-on=error', () => {
    expect(lintVerdict(lint(withLines({ 7: [] })), 'error').verdict.status).toBe('passed');
    expect(lintVerdict(lint(withLines({ 7: [] })), 'warning').verdict.status).toBe('failed');
  });
});

describe('the tutorials and the bad example', () => {
  test('examples/flask passes clean', async () => {
    const dir = path.join(ROOT, 'examples/flask');
    const findings = lint(
      await readFile(path.join(dir, 'Dockerfile'), 'utf8'),
      await readFile(path.join(dir, '.dockerignore'), 'utf8')
    );
    expect(findings).toEqual([]);
  });

  test('the deliberately bad Dockerfile triggers every rule exactly once', async () => {
    const text = await readFile(path.join(ROOT, 'test/lint/bad.Dockerfile'), 'utf8');
    const findings = lint(text, NONE);
    expect(ids(findings).sort()).toEqual(Object.keys(RULES).sort());
  });
});

/** The patterns found linting public projects' Dockerfiles, each as a minimal Dockerfile of this project's. */
describe('patterns from real Dockerfiles', () => {
  const at = (text: string[], extra: { target?: string; ignore?: string[] } = {}) =>
    lint(text.join('\n'), GOOD_IGNORE, extra).map(f => `${f.rule}@${f.line}`);
  const TAIL = ['HEALTHCHECK CMD ["true"]', 'USER 1000', 'CMD ["/app"]'];

  test('every --mount of a RUN is kept: a cache mount of apt lists after a tmpfs mount', () => {
    const run =
      'RUN --mount=type=cache,target=/var/lib/apt --mount=type=tmpfs,target=/var/log apt-get update && apt-get install -y --no-install-recommends curl';
    expect(at(['FROM debian:12.8', run, ...TAIL])).toEqual([]);
  });

  test('a heredoc that is a file is not shell; one fed to a shell is', () => {
    const file = ['RUN cat <<EOT > /entrypoint', 'sudo apt-get install foo', 'curl https://x | sh', 'EOT'];
    expect(at(['FROM debian:12.8', ...file, ...TAIL])).toEqual([]);
    expect(at(['FROM debian:12.8', 'RUN bash <<EOF', 'sudo true', 'EOF', ...TAIL])).toEqual(['SS019@2']);
  });

  test.each([['-qq'], ['-q=2'], ['-yq'], ['--assume-yes']])(
    'apt-get %s install is not waiting for an answer',
    flag => {
      const run = `RUN apt-get update && apt-get ${flag} install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*`;
      expect(at(['FROM debian:12.8', run, ...TAIL])).toEqual([]);
    }
  );

  test('apt-get -o Opt=… install is still read as an install', () => {
    const run = 'RUN apt-get -o Dpkg::Options::=--force-confold install curl && rm -rf /var/lib/apt/lists/*';
    expect(at(['FROM debian:12.8', run, ...TAIL])).toEqual(['SS006@2', 'SS007@2']);
  });

  test.each([
    ['ENV NPM_TOKEN=${NPM_TOKEN:-}'],
    ['ENV DISABLE_TOKEN=true'],
    ['ENV TOKEN=$TOKEN'],
    ['ARG API_KEY=0']
  ])('%s holds no secret', line => {
    expect(at(['FROM debian:12.8', line, ...TAIL])).toEqual([]);
  });

  test('ENTRYPOINT exec … "$@" lets signals through', () => {
    expect(
      at(['FROM debian:12.8', 'HEALTHCHECK CMD ["true"]', 'USER 1000', 'ENTRYPOINT exec /app "$@"'])
    ).toEqual([]);
  });

  test('ADD --checksum and ADD of a git repository are not unchecked downloads; JSON-form ADD of a URL is one', () => {
    const checksum = 'ADD --checksum=sha256:' + 'a'.repeat(64) + ' https://example.com/t.tgz /opt/';
    expect(
      at(['FROM debian:12.8', checksum, 'ADD git@github.com:acme/lib.git#v1.2.0 /lib', ...TAIL])
    ).toEqual([]);
    expect(at(['FROM debian:12.8', 'ADD ["https://example.com/t.tgz", "/opt/"]', ...TAIL])).toEqual([
      'SS005@2'
    ]);
  });

  test('a final FROM scratch stage with a static binary needs no USER or HEALTHCHECK', () => {
    const text = [
      'FROM golang:1.23.4 AS build',
      'RUN go build -o /app .',
      'FROM scratch',
      'COPY --from=build /app /app',
      'ENTRYPOINT ["/app"]'
    ];
    expect(at(text)).toEqual([]);
  });

  test("the final stage inherits its parent's ENV PIP_NO_CACHE_DIR", () => {
    const text = [
      'FROM python:3.12.12-slim AS base',
      'ENV PIP_NO_CACHE_DIR=1',
      'FROM base',
      'RUN pip install -r requirements.txt',
      ...TAIL
    ];
    expect(at(text)).toEqual([]);
  });

  test('a builder stage that never ships is not held to the size rules', () => {
    const text = [
      'FROM debian:12.8 AS build',
      'RUN apt-get update && apt-get install -y gcc',
      'FROM debian:12.8',
      'COPY --from=build /usr/bin/gcc /usr/bin/gcc',
      ...TAIL
    ];
    expect(at(text)).toEqual([]);
    expect(at(text, { target: 'build' })).toEqual(expect.arrayContaining(['SS007@2', 'SS008@2']));
  });

  test('cargo build after COPY . . is the build, not a dependency install', () => {
    const text = [
      'FROM rust:1.83.0',
      'COPY Cargo.toml Cargo.lock ./',
      'RUN cargo fetch',
      'COPY . .',
      'RUN cargo build --release',
      ...TAIL
    ];
    expect(at(text)).toEqual([]);
  });

  test.each([
    [
      ['ARG UID=0', 'FROM debian:12.8', 'ARG UID', 'HEALTHCHECK CMD ["true"]', 'USER $UID', 'CMD ["/app"]'],
      'SS002@5'
    ],
    [['FROM debian:12.8', 'ARG UID=0', 'HEALTHCHECK CMD ["true"]', 'USER ${UID}', 'CMD ["/app"]'], 'SS002@4'],
    [
      [
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'HEALTHCHECK CMD ["true"]',
        'USER ContainerAdministrator',
        'CMD ["app.exe"]'
      ],
      'SS002@3'
    ]
  ])('runs as root: %j', (text, finding) => {
    expect(at(text)).toContain(finding);
  });

  test('COPY --from and RUN --mount=from= name images that must be pinned too; a stage name need not be', () => {
    const text = [
      'FROM debian:12.8 AS tools',
      'FROM debian:12.8',
      'COPY --from=nginx:latest /etc/nginx /etc/nginx',
      'RUN --mount=from=busybox,target=/bb true',
      'COPY --from=tools /bin/true /true',
      ...TAIL
    ];
    expect(at(text)).toEqual(['SS001@3', 'SS001@4']);
  });

  test('a secret-named ARG used by a RUN, and its use alone', () => {
    expect(
      at([
        'FROM debian:12.8',
        'ARG GITHUB_TOKEN',
        'RUN git clone https://$GITHUB_TOKEN@github.com/acme/x',
        ...TAIL
      ])
    ).toEqual(['SS022@3']);
    expect(at(['FROM debian:12.8', 'ARG GITHUB_TOKEN', 'RUN true', ...TAIL])).toEqual([]);
  });

  test('a pipe without pipefail; with set -o pipefail or a SHELL that sets it, none', () => {
    expect(at(['FROM debian:12.8', 'RUN ls | wc -l', ...TAIL])).toEqual(['SS023@2']);
    expect(at(['FROM debian:12.8', 'RUN set -o pipefail && ls | wc -l', ...TAIL])).toEqual([]);
    expect(
      at(['FROM debian:12.8', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN ls | wc -l', ...TAIL])
    ).toEqual([]);
  });

  test('apt instead of apt-get', () => {
    expect(at(['FROM debian:12.8', 'RUN apt show curl', ...TAIL])).toEqual(['SS024@2']);
  });

  test.each([
    [
      'RUN pip install --no-cache-dir flask',
      'RUN pip install --no-cache-dir flask==3.1.0 -r requirements.txt'
    ],
    ['RUN npm install left-pad', 'RUN npm install left-pad@1.3.0 && npm ci'],
    ['RUN apk add --no-cache curl', 'RUN apk add --no-cache curl=8.5.0-r0']
  ])('unpinned packages: %s (pinned: %s)', (unpinned, pinned) => {
    expect(at(['FROM alpine:3.20', unpinned, ...TAIL])).toEqual(['SS025@2']);
    expect(at(['FROM alpine:3.20', pinned, ...TAIL])).toEqual([]);
  });

  test('ONBUILD instructions are linted on their line', () => {
    expect(at(['FROM debian:12.8', 'ONBUILD RUN sudo make', ...TAIL])).toEqual(['SS019@2']);
  });

  test('# hadolint ignore=DL3009 above an apt line drops the apt-lists finding there, and only there', () => {
    const apt = 'RUN apt-get update && apt-get install -y --no-install-recommends curl';
    expect(at(['FROM debian:12.8', '# hadolint ignore=DL3009', apt, apt, ...TAIL])).toEqual(['SS008@4']);
    expect(at(['# hadolint global ignore=DL3009,DL3015', 'FROM debian:12.8', apt, ...TAIL])).toEqual([]);
  });

  test('.hadolint.yaml ignored: lists, block and flow style, comments dropped', () => {
    expect(
      hadolintIgnored(
        'failure-threshold: warning\nignored:\n  - DL3008 # pinned by digest\n  - "DL3009"\nother: 1'
      )
    ).toEqual(['DL3008', 'DL3009']);
    expect(hadolintIgnored("ignored: [DL3008, 'DL4006']")).toEqual(['DL3008', 'DL4006']);
    expect(hadolintIgnored('trustedRegistries: [docker.io]')).toEqual([]);
  });
});
