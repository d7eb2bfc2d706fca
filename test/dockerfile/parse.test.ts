import { describe, expect, test } from '@jest/globals';
import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  groupStages,
  parseDockerfile,
  type Instruction,
  type ParsedDockerfile
} from '../../src/dockerfile/parse.js';
import { ROOT } from '../helpers/docker.js';

/**
 * The reference reading: dockerfile-ast, the parser of the Docker VS Code extension. Its
 * instructions and comments, grouped into stages as Shipshape groups its own, must equal
 * Shipshape's parse of every Dockerfile below.
 */
function reference(text: string): ParsedDockerfile {
  const doc = DockerfileParser.parse(text);
  const instructions: Instruction[] = doc.getInstructions().map(node => ({
    keyword: node.getKeyword().toUpperCase(),
    args: node.getArgumentsContent() ?? '',
    flags: Object.fromEntries(
      (node instanceof ModifiableInstruction ? node.getFlags() : []).map(f => [
        f.getName().toLowerCase(),
        f.getValue() ?? ''
      ])
    ),
    mounts: (node instanceof ModifiableInstruction ? node.getFlags() : [])
      .filter(f => f.getName().toLowerCase() === 'mount')
      .map(f => f.getValue() ?? ''),
    line: node.getRange().start.line + 1,
    endLine: node.getRange().end.line + 1
  }));
  const comments = doc.getComments().map(c => ({ line: c.getRange().start.line + 1, text: c.getContent() }));
  const syntax = doc
    .getDirectives()
    .find(d => d.getName().toLowerCase() === 'syntax')
    ?.getValue();
  return { ...groupStages(instructions), comments, ...(syntax ? { syntax } : {}) };
}

/** This project's Dockerfiles of the kinds the container tutorials build (test/fixtures/dockerfiles). */
function ownDockerfiles(): [string, string][] {
  const dir = path.join(ROOT, 'test/fixtures/dockerfiles');
  return readdirSync(dir)
    .filter(file => file.endsWith('.Dockerfile'))
    .map((file): [string, string] => [
      `test/fixtures/dockerfiles/${file}`,
      readFileSync(path.join(dir, file), 'utf8')
    ]);
}

const TRICKY: Record<string, string[]> = {
  'ARG before FROM, flags, stage names, COPY --from': [
    'ARG BASE=python:3.12.12-slim',
    'FROM --platform=$BUILDPLATFORM ${BASE} AS Build',
    'RUN --mount=type=cache,target=/root/.cache --network=none pip install flask',
    'FROM build',
    'COPY --from=build --chown=1000:1000 --link /app /app',
    'HEALTHCHECK --interval=30s --start-period=5s CMD curl -f http://localhost:8000/ || exit 1'
  ],
  'continuations with blank lines and trailing spaces, a comment before the arguments': [
    'FROM debian:12.8',
    'RUN apt-get update \\',
    '',
    '    && apt-get install -y curl \\   ',
    '    && rm -rf /var/lib/apt/lists/*',
    'RUN --mount=type=cache,target=/root/.cache \\',
    '    # pip keeps its cache in the mount',
    '    pip install flask',
    '  run   echo   lower-case   and   indented   ',
    'RUN echo "a \\',
    'b" && echo c\\ d'
  ],
  'heredocs: plain, quoted, tab-stripped, two on one line': [
    '# syntax=docker/dockerfile:1',
    'FROM alpine:3.20',
    'RUN <<EOF',
    'apk add --no-cache curl',
    'EOF',
    'COPY <<-"EOT" /app/config',
    '\tkey=value',
    '\tEOT',
    "RUN <<'A' cat - <<B > /out",
    'first',
    'A',
    'second',
    'B',
    'CMD ["cat", "/out"]'
  ],
  'the escape directive': [
    '# escape=`',
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
    'RUN dir `',
    '    C:\\'
  ],
  'a directive after a comment is a comment': [
    '# a comment',
    '# escape=`',
    'FROM busybox:1.36',
    'RUN echo `',
    'x'
  ],
  'suppression comments and ONBUILD': [
    'FROM busybox:1.36',
    '# shipshape-ignore SS002',
    'USER root',
    'ONBUILD COPY . /app',
    'CMD sleep 1'
  ],
  'CRLF line endings': ['FROM busybox:1.36\r', 'RUN echo a \\\r', '    b\r', 'CMD ["sh"]\r'],
  'a continuation at the end of the file': ['FROM busybox:1.36', 'RUN echo a \\'],
  'empty and comment-only files': ['# nothing here', '', '   ']
};

const corpus: [string, string][] = [
  ['examples/flask/Dockerfile', readFileSync(path.join(ROOT, 'examples/flask/Dockerfile'), 'utf8')],
  ['test/lint/bad.Dockerfile', readFileSync(path.join(ROOT, 'test/lint/bad.Dockerfile'), 'utf8')],
  ...ownDockerfiles(),
  ...Object.entries(TRICKY).map(([name, lines]): [string, string] => [name, lines.join('\n')])
];

describe('the Dockerfile parser reads what dockerfile-ast reads', () => {
  test('the corpus holds single- and multi-stage builds of six languages, heredocs and a Windows image', () => {
    expect(ownDockerfiles().length).toBeGreaterThanOrEqual(14);
  });

  test.each(corpus)('%s', (_name, text) => {
    expect(parseDockerfile(text)).toEqual(reference(text));
  });
});

describe('where dockerfile-ast departs from BuildKit, BuildKit is followed', () => {
  test('a comment line between the arguments of a continued instruction is not part of them', () => {
    const text = [
      'FROM debian:12.8',
      'RUN apt-get update \\',
      '    # why',
      '',
      '    && apt-get install -y curl'
    ];
    const doc = parseDockerfile(text.join('\n'));
    expect(doc.stages[0].instructions[1]).toMatchObject({
      args: 'apt-get update     && apt-get install -y curl',
      line: 2,
      endLine: 5
    });
    expect(doc.comments).toEqual([{ line: 3, text: 'why' }]);
    expect(reference(text.join('\n')).stages[0].instructions[1].args).toContain('# why');
  });

  test('an instruction continued into the end of the file ends on its own last line', () => {
    const text = ['FROM busybox:1.36', 'RUN echo a \\', '# trailing', ''].join('\n');
    const doc = parseDockerfile(text);
    expect(doc.stages[0].instructions[1]).toMatchObject({ args: 'echo a', line: 2, endLine: 2 });
    expect(doc.comments).toEqual([{ line: 3, text: 'trailing' }]);
  });
});

describe('what the parser gives the lint and the layer map', () => {
  const parsed = parseDockerfile(TRICKY['heredocs: plain, quoted, tab-stripped, two on one line'].join('\n'));
  const [stage] = parsed.stages;

  test('heredoc bodies belong to their instruction, up to the closing word', () => {
    expect(stage.instructions.map(i => [i.keyword, i.line, i.endLine])).toEqual([
      ['FROM', 2, 2],
      ['RUN', 3, 5],
      ['COPY', 6, 8],
      ['RUN', 9, 13],
      ['CMD', 14, 14]
    ]);
    expect(stage.instructions[1].args).toBe('<<EOF\napk add --no-cache curl\nEOF');
  });

  test('the backtick escape joins lines and leaves backslashes alone', () => {
    const [windows] = parseDockerfile(TRICKY['the escape directive'].join('\n')).stages;
    expect(windows.instructions[1]).toMatchObject({ args: 'dir     C:\\', line: 3, endLine: 4 });
  });

  test('flags are taken off the front, stage names lower-cased', () => {
    const doc = parseDockerfile(TRICKY['ARG before FROM, flags, stage names, COPY --from'].join('\n'));
    expect(doc.globalArgs.map(a => a.args)).toEqual(['BASE=python:3.12.12-slim']);
    expect(doc.stages.map(s => [s.name, s.from])).toEqual([
      ['build', '${BASE}'],
      [undefined, 'build']
    ]);
    expect(doc.stages[1].instructions[1].flags).toEqual({ from: 'build', chown: '1000:1000', link: '' });
    expect(doc.stages[0].instructions[1].flags).toEqual({
      mount: 'type=cache,target=/root/.cache',
      network: 'none'
    });
  });
});
