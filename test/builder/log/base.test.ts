import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { baseImage } from '../../../src/builder/log/base.js';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { ROOT } from '../../helpers/docker.js';

/** The build hands baseImage the Dockerfile it parsed once. */
const baseOf = (text: string, buildArgs: Record<string, string>, target: string, log: string) =>
  baseImage(parseDockerfile(text), buildArgs, target, log);

const DIGEST = `sha256:${'b'.repeat(64)}`;
const OTHER = `sha256:${'c'.repeat(64)}`;
const log = (...lines: string[]) => lines.join('\n');

describe('the base image of the built stage and the digest the build used', () => {
  test('BuildKit’s FROM step names the digest; Hub short names match their qualified form', () => {
    const text = 'FROM python:3.12-slim\nRUN true\n';
    const built = log(
      '#2 [internal] load metadata for docker.io/library/python:3.12-slim',
      `#5 [1/2] FROM docker.io/library/python:3.12-slim@${DIGEST}`,
      `#5 resolve docker.io/library/python:3.12-slim@${DIGEST} 0.0s done`
    );
    expect(baseOf(text, {}, '', built)).toEqual({
      reference: 'python:3.12-slim',
      digest: DIGEST,
      pinned: false,
      line: 1
    });
  });

  test('examples/flask: FROM ${BASE_IMAGE}, from the ARG default or the build arg', () => {
    const text = readFileSync(path.join(ROOT, 'examples/flask/Dockerfile'), 'utf8');
    expect(baseOf(text, {}, '', '')).toEqual({
      reference: 'python:3.12.12-slim-bookworm',
      pinned: false,
      line: 3
    });
    const local = log(`#5 [1/7] FROM shipshape.local/python-base:3@${DIGEST}`);
    expect(baseOf(text, { BASE_IMAGE: 'shipshape.local/python-base:3' }, '', local)).toMatchObject({
      reference: 'shipshape.local/python-base:3',
      digest: DIGEST
    });
  });

  test('multi-stage: the final stage, or the target, followed through stages built FROM stages', () => {
    const text = [
      'FROM golang:1.23 AS build',
      'RUN go build',
      'FROM alpine:3.20 AS runtime',
      'FROM runtime AS final',
      'COPY --from=build /app /app'
    ].join('\n');
    const built = log(
      `#4 [build 1/2] FROM docker.io/library/golang:1.23@${OTHER}`,
      `#6 [linux/amd64 runtime 1/1] FROM docker.io/library/alpine:3.20@${DIGEST}`
    );
    expect(baseOf(text, {}, '', built)).toMatchObject({
      reference: 'alpine:3.20',
      digest: DIGEST,
      line: 3
    });
    expect(baseOf(text, {}, 'build', built)).toMatchObject({
      reference: 'golang:1.23',
      digest: OTHER,
      line: 1
    });
  });

  test('a digest pinned in the Dockerfile is the digest, and says so', () => {
    expect(
      baseOf(`FROM python:3.12@${DIGEST}`, {}, '', `#4 [1/1] FROM docker.io/library/python:3.12@${DIGEST}`)
    ).toEqual({
      reference: `python:3.12@${DIGEST}`,
      digest: DIGEST,
      pinned: true,
      line: 1
    });
  });

  test('no digest in the log (the classic builder), another image’s digest, scratch, an unknown ARG', () => {
    expect(baseOf('FROM alpine\n', {}, '', 'Step 1/1 : FROM alpine')).toEqual({
      reference: 'alpine',
      pinned: false,
      line: 1
    });
    expect(
      baseOf('FROM alpine\n', {}, '', `#4 [1/1] FROM docker.io/library/alpine:3.20@${DIGEST}`)?.digest
    ).toBeUndefined();
    expect(
      baseOf('FROM alpine\n', {}, '', `#4 [1/1] FROM docker.io/library/alpine:latest@${DIGEST}`)?.digest
    ).toBe(DIGEST);
    expect(baseOf('FROM scratch\nCOPY a /\n', {}, '', '')).toBeUndefined();
    expect(baseOf('FROM ${UNSET}\n', {}, '', '')).toBeUndefined();
  });
});
