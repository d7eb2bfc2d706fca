import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { keywordOf, layerSources, mapLayers } from '../../src/scan/layers.js';
import { BUSYBOX, ROOT, buildTestImage, ensureDocker, removeImages } from '../helpers/docker.js';
import { loadFixture } from '../helpers/fixtures.js';
import type { HistoryEntry } from '../../src/scan/contract.js';

describe('history entries name their instruction', () => {
  test.each([
    ['RUN |1 V=1 /bin/sh -c echo $V > x # buildkit', 'RUN'],
    ['COPY f.txt . # buildkit', 'COPY'],
    ['WORKDIR /app', 'WORKDIR'],
    ['/bin/sh -c #(nop) COPY file:690f63c3 in . ', 'COPY'],
    ['/bin/sh -c #(nop) ADD file:a86aea1f in / ', 'ADD'],
    ['/bin/sh -c apk add --no-cache curl', 'RUN'],
    ['|1 V=1 /bin/sh -c echo $V > x', 'RUN'],
    ['/bin/sh -c #(nop)  CMD ["/bin/sh"]', 'CMD']
  ])('%s → %s', (createdBy, keyword) => {
    expect(keywordOf(createdBy)).toBe(keyword);
  });
});

describe('layer → Dockerfile line, on recorded Trivy reports', () => {
  test('alpine-39: its ADD layer maps to the ADD line of the Dockerfile that made it', () => {
    const report = loadFixture('alpine-3.9.json');
    const text = 'FROM scratch\nADD alpine-minirootfs-3.9.4-x86_64.tar.gz /\nCMD ["/bin/sh"]\n';
    const layers = mapLayers(report.facts.diffIds, report.facts.history, parseDockerfile(text));
    expect([...layers.values()]).toEqual([
      { line: 2, instruction: 'ADD alpine-minirootfs-3.9.4-x86_64.tar.gz /', base: false }
    ]);
    const sources = layerSources(report.facts, text, '');
    expect(report.findings.every(f => sources.get(f.layer)?.line === 2)).toBe(true);
  });

  test('the same report built FROM alpine:3.9 by a one-line Dockerfile: base layers map to FROM', () => {
    const report = loadFixture('alpine-3.9.json');
    const sources = layerSources(report.facts, '# app\nFROM alpine:3.9.4\nCMD ["/bin/sh"]\n', '');
    expect(report.findings.map(f => sources.get(f.layer))).toEqual(
      report.findings.map(() => ({ line: 2, instruction: 'FROM alpine:3.9.4', base: true }))
    );
  });

  test('python-app: each package maps to the examples/flask line whose layer brought it', () => {
    const report = loadFixture('python-app.json');
    const flask = readFileSync(path.join(ROOT, 'examples/flask/Dockerfile'), 'utf8');
    const sources = layerSources(report.facts, flask, '');
    const lineOf = (pkg: string) => sources.get(report.findings.find(f => f.pkg === pkg)?.layer ?? '')?.line;
    expect([lineOf('Werkzeug'), lineOf('zlib1g'), lineOf('golang.org/x/text')]).toEqual([19, 3, 6]);
  });
});

describe('layer → Dockerfile line, on an image built here', () => {
  const TAG = 'shipshape-layers.local/app';
  const DOCKERFILE = [
    `FROM ${BUSYBOX} AS build`,
    'RUN echo built > /artifact',
    `FROM ${BUSYBOX}`,
    'ARG V=1',
    'WORKDIR /app',
    'COPY --from=build /artifact /app/artifact',
    'RUN echo $V > /app/version && \\',
    '    echo second >> /app/version',
    'LABEL k=v',
    'USER 65534',
    'CMD ["sh"]',
    ''
  ].join('\n');
  let diffIds: string[];
  let history: HistoryEntry[];

  beforeAll(async () => {
    await ensureDocker();
    await buildTestImage(TAG, DOCKERFILE);
    // The image config as Trivy reads it: rootfs diff IDs and history, from `docker save`
    // (whose manifest.json names the config file in the old and the OCI archive layout alike).
    const archive = `docker save ${TAG} | tar -xO`;
    const { stdout } = await promisify(execFile)(
      'sh',
      ['-c', `${archive} "$(${archive} manifest.json | sed 's/.*"Config":"\\([^"]*\\)".*/\\1/')"`],
      { maxBuffer: 1 << 26 }
    );
    const config = JSON.parse(stdout) as { rootfs: { diff_ids: string[] }; history: HistoryEntry[] };
    diffIds = config.rootfs.diff_ids;
    history = config.history;
  }, 120000);
  afterAll(async () => {
    await removeImages(TAG);
  });

  test('each layer of the final stage maps to its line; the base layer to FROM', () => {
    const layers = mapLayers(diffIds, history, parseDockerfile(DOCKERFILE));
    expect(diffIds.map(d => layers.get(d)?.line)).toEqual([3, 5, 6, 7]);
    expect(layers.get(diffIds[0])?.base).toBe(true);
    expect(layers.get(diffIds[3])?.instruction).toBe(
      'RUN echo $V > /app/version &&     echo second >> /app/version'
    );
  });

  test('a Dockerfile that does not match the history attributes nothing to wrong lines', () => {
    // The file was edited after the build: its last layer step is now a COPY, the image's a RUN.
    const edited = DOCKERFILE.replace('CMD ["sh"]', 'COPY extra /extra\nCMD ["sh"]');
    const layers = mapLayers(diffIds, history, parseDockerfile(edited));
    expect(diffIds.map(d => layers.get(d)?.line)).toEqual([3, 3, 3, 3]);
  });
});
