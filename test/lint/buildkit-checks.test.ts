import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkIssues, parseCheckReport } from '../../src/lint/buildkit-checks.js';
import { lintDockerfile } from '../../src/lint/rules/checks.js';
import { ROOT } from '../helpers/docker.js';

// What `docker buildx build --call=check,format=json` (buildx 0.29.1) printed for checks.Dockerfile.
const FIXTURES = path.join(ROOT, 'test/fixtures/buildkit');
const recorded = readFileSync(path.join(FIXTURES, 'checks.json'), 'utf8');
const dockerfile = readFileSync(path.join(FIXTURES, 'checks.Dockerfile'), 'utf8');

describe("BuildKit's build checks as lint findings", () => {
  const own = lintDockerfile(dockerfile, { dockerignore: '.git\n', ignore: [] });
  const report = parseCheckReport(recorded);

  test('the recorded report reads, with a progress line before it', () => {
    expect(parseCheckReport(`#1 [internal] load build definition\n${recorded}`)).toEqual(report);
    expect(report?.warnings?.map(w => w.ruleName)).toEqual([
      'FromAsCasing',
      'UndefinedVar',
      'SecretsUsedInArgOrEnv',
      'WorkdirRelativePath',
      'JSONArgsRecommended'
    ]);
  });

  test("each check on its line, with Docker's page for it; those Shipshape already reports on that line once", () => {
    const issues = checkIssues(report!, own);
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
    expect(checkIssues(clean!, [])).toEqual([]);
  });

  test('without the Shipshape finding on its line, the check is kept', () => {
    expect(checkIssues(report!, []).map(f => f.rule)).toContain('JSONArgsRecommended');
  });

  test.each([
    ['not JSON', '#1 ERROR: failed to solve'],
    ['a rule name that is not a name', JSON.stringify({ warnings: [{ ruleName: '<img src=x>' }] })],
    [
      'a line that is not a number',
      JSON.stringify({ warnings: [{ ruleName: 'A', location: { ranges: [{ start: { line: '1' } }] } }] })
    ],
    ['too long a detail', JSON.stringify({ warnings: [{ ruleName: 'A', detail: 'x'.repeat(5000) }] })]
  ])('refused: %s', (_, stdout) => {
    expect(parseCheckReport(stdout)).toBeUndefined();
  });

  test('a page link is built from the rule name, never taken from the output', () => {
    const [issue] = checkIssues(
      { warnings: [{ ruleName: 'FromAsCasing', description: 'd', detail: 'x' }] },
      []
    );
    expect(issue.fix).toBe('d: https://docs.docker.com/go/dockerfile/rule/from-as-casing/');
  });
});
