import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildkitChecks,
  buildReportsChecks,
  checkIssues,
  parseCheckReport
} from '../../src/lint/buildkit-checks.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { lintDockerfile } from '../../src/lint/rules/checks.js';
import { ROOT } from '../helpers/docker.js';
import { builder } from '../helpers/dockerfiles.js';

// What `docker buildx build --call=check,format=json` (buildx 0.29.1) printed for checks.Dockerfile.
const FIXTURES = path.join(ROOT, 'test/fixtures/buildkit');
const recorded = readFileSync(path.join(FIXTURES, 'checks.json'), 'utf8');
const dockerfile = readFileSync(path.join(FIXTURES, 'checks.Dockerfile'), 'utf8');

describe("BuildKit's build checks as lint findings", () => {
  const own = lintDockerfile(dockerfile, { dockerignore: '.git\n', ignore: [] });
  const warnings = parseCheckReport(recorded);

  test('the recorded report reads, with a progress line before it', () => {
    expect(parseCheckReport(`#1 [internal] load build definition\n${recorded}`)).toEqual(warnings);
    expect(warnings?.map(w => [w.ruleName, w.line])).toEqual([
      ['FromAsCasing', 1],
      ['UndefinedVar', 2],
      ['SecretsUsedInArgOrEnv', 4],
      ['WorkdirRelativePath', 5],
      ['JSONArgsRecommended', 6]
    ]);
  });

  test("each check on its line, with Docker's page for it; those Shipshape already reports on that line once", () => {
    const issues = checkIssues(warnings!, own);
    expect(issues.map(f => [f.rule, f.line, f.severity])).toEqual([
      ['FromAsCasing', 1, 'warning'],
      ['UndefinedVar', 2, 'warning']
    ]);
    expect(issues[1]).toMatchObject({
      name: 'undefined-var',
      message: "Usage of undefined variable '$UNDEFINED_HOME'",
      fix: expect.stringMatching(/: https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/undefined-var\/$/)
    });
    expect(own.filter(f => ['SS013', 'SS018', 'SS015'].includes(f.rule)).map(f => f.line)).toEqual([4, 5, 6]);
  });

  test('a clean Dockerfile: buildx writes "warnings": null, which reads as no findings', () => {
    const clean = parseCheckReport('{\n  "warnings": null,\n  "sources": []\n}');
    expect(clean).toBeDefined();
    expect(clean).toEqual([]);
  });

  test('without the Shipshape finding on its line, the check is kept', () => {
    expect(checkIssues(warnings!, []).map(f => f.rule)).toContain('JSONArgsRecommended');
  });

  test.each([
    ['not JSON', '#1 ERROR: failed to solve'],
    ['JSON nested 40 deep', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`],
    ['a rule name that is not a name', JSON.stringify({ warnings: [{ ruleName: '<img src=x>' }] })],
    [
      'a line that is not a number',
      JSON.stringify({ warnings: [{ ruleName: 'A', location: { ranges: [{ start: { line: '1' } }] } }] })
    ],
    ['too long a detail', JSON.stringify({ warnings: [{ ruleName: 'A', detail: 'x'.repeat(5000) }] })]
  ])('refused: %s', (_, stdout) => {
    expect(parseCheckReport(stdout)).toBeUndefined();
  });

  test('a warning without a location is on line 1; what it does not say stays unsaid', () => {
    const report = (warning: object) => parseCheckReport(JSON.stringify({ warnings: [warning] }));
    expect(report({ ruleName: 'A', location: {} })).toStrictEqual([{ ruleName: 'A', line: 1 }]);
    expect(report({ ruleName: 'A', location: { ranges: [] } })).toStrictEqual([{ ruleName: 'A', line: 1 }]);
  });

  test("Shipshape's finding hides the same check only with its own rule on the same line", () => {
    const json = [{ ruleName: 'JSONArgsRecommended', line: 6 }];
    const ss015 = { rule: 'SS015', name: 'n', severity: 'warning' as const, message: 'm', fix: 'f' };
    expect(checkIssues(json, [{ ...ss015, line: 6 }])).toEqual([]);
    expect(checkIssues(json, [{ ...ss015, line: 5 }])).toHaveLength(1);
    expect(checkIssues(json, [{ ...ss015, rule: 'SS013', line: 6 }])).toHaveLength(1);
  });

  test('a page link is built from the rule name, never taken from the output', () => {
    const [issue] = checkIssues([{ ruleName: 'FromAsCasing', line: 1, description: 'd', detail: 'x' }], []);
    expect(issue.fix).toBe('d: https://docs.docker.com/go/dockerfile/rule/from-as-casing/');
  });
});

describe('whether the build reports every check a check call would', () => {
  const single = ['FROM busybox:1.36', 'CMD ["true"]'];
  const reports = (lines: string[], extra: Parameters<typeof builder>[0] = {}, args = {}, target = '') =>
    buildReportsChecks(builder(extra), parseDockerfile(lines.join('\n')), { buildArgs: args, target });

  test('buildx 0.15 or later on the docker driver of Docker 27 or later, one stage: yes', () => {
    expect(reports(single)).toBe(true);
    expect(reports(single, { buildx: 'v0.15.0', server: '27.0.1' })).toBe(true);
    expect(reports(single, { buildx: '0.29.1+ds1', server: '28.5.2+dfsg4' })).toBe(true);
  });

  test.each([
    ['buildx 0.14 (no warnings in its metadata)', { buildx: '0.14.1' }],
    ['Docker 26 (a frontend without checks)', { server: '26.1.5' }],
    ['a docker-container builder (its BuildKit version unknown)', { driver: 'docker-container' }],
    ['no buildx', { kind: 'buildkit' as const, buildx: undefined }],
    ['a buildx version that does not read', { buildx: 'dev' }],
    ['a daemon version that does not read', { server: 'unknown' }]
  ])('no with %s', (_, extra) => {
    expect(reports(single, extra)).toBe(false);
  });

  test.each([
    ['docker/dockerfile:1', true],
    ['docker.io/docker/dockerfile:1', true],
    ['docker/dockerfile:1.8', true],
    ['docker/dockerfile:1.10.0', true],
    ['docker/dockerfile:1.9.10', true],
    ['docker/dockerfile:1.7', false],
    ['docker/dockerfile:10', false],
    ['example.com/docker/dockerfile:1', false],
    ['docker/dockerfile:1.4@sha256:' + 'a'.repeat(64), false],
    ['docker/dockerfile-upstream:master', false],
    ['example.com/frontend:1', false]
  ])('# syntax=%s: %s', (syntax, expected) => {
    expect(reports([`# syntax=${syntax}`, ...single])).toBe(expected);
    expect(reports(single, {}, { BUILDKIT_SYNTAX: syntax })).toBe(expected);
  });

  test('every stage built: through FROM, COPY --from and RUN --mount from=, by name or number', () => {
    const stages = [
      'FROM busybox:1.36 AS tools',
      'FROM busybox:1.36 AS deps',
      'FROM tools AS build',
      'RUN --mount=type=bind,from=deps,target=/deps true',
      'FROM busybox:1.36',
      'COPY --from=2 /bin/true /true'
    ];
    expect(reports(stages)).toBe(true);
  });

  test('a stage the build skips (its instructions go unchecked): no; a target that skips a later stage: no', () => {
    expect(reports(['FROM busybox:1.36 AS test', 'RUN true', 'FROM busybox:1.36', 'CMD ["true"]'])).toBe(
      false
    );
    expect(reports(['FROM busybox:1.36 AS app', 'FROM app AS test', 'RUN true'], {}, {}, 'app')).toBe(false);
    expect(reports(['FROM busybox:1.36 AS app', 'FROM app AS test', 'RUN true'], {}, {}, 'test')).toBe(true);
  });

  test('stages that name each other in a circle (BuildKit refuses them) end the walk', () => {
    expect(reports(['FROM b AS a', 'FROM a AS b'])).toBe(true);
  });

  test('a stage named through a build arg: followed with its value, no when it has none', () => {
    const lines = [
      'ARG FROM_STAGE',
      'FROM busybox:1.36 AS a',
      'FROM busybox:1.36',
      'COPY --from=${FROM_STAGE} /x /x'
    ];
    expect(reports(lines, {}, { FROM_STAGE: 'a' })).toBe(true);
    expect(reports(lines)).toBe(false);
  });
});

describe("BuildKit's checks: from the build, or from a check call", () => {
  const settings = { file: 'Dockerfile', context: '.', target: '', buildArgs: {}, builder: '' };
  const doc = parseDockerfile('FROM busybox:1.36\nCMD ["true"]');
  const warning = { ruleName: 'FromAsCasing', line: 1, detail: 'casing' };

  test('where the build reports them all, its report is taken, none included', async () => {
    expect(
      await buildkitChecks(settings, Promise.resolve(builder()), doc, Promise.resolve([warning]))
    ).toEqual({
      warnings: [warning],
      by: 'build'
    });
    expect(await buildkitChecks(settings, Promise.resolve(builder()), doc, Promise.resolve([]))).toEqual({
      warnings: [],
      by: 'build'
    });
  });

  test("elsewhere the build's report is not taken: the check call decides", async () => {
    const noBuildx = builder({ kind: 'buildkit', buildx: undefined });
    expect(
      await buildkitChecks(settings, Promise.resolve(noBuildx), doc, Promise.resolve([warning]))
    ).toEqual({
      skipped: "not run: this runner's Docker CLI has no buildx (build checks need buildx 0.15 or later)"
    });
    expect(
      await buildkitChecks(settings, Promise.reject(new Error('no daemon')), doc, Promise.resolve([warning]))
    ).toEqual({ skipped: 'could not run: no daemon' });
  });
});
