import { afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { eventOf, scenario } from '../helpers/events.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import type { Annotation } from '../../src/report/github/check.js';
import { fixtureReport } from '../helpers/report.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { captureStdout } from '../helpers/runner-log.js';
import { commentKey, commentMarker, publishReport, type ReportSettings } from '../../src/report/index.js';
import type { RunReport } from '../../src/results.js';
import type { GitHubEvent } from '../../src/action/event.js';
import type { LintFinding } from '../../src/lint/contract.js';
import { verdict } from '../../src/common/verdict.js';

let gh: FakeGitHub;
let outputDir: string;
const prEvent = () => eventOf(scenario('pull_request-opened'));
const options = (extra: Partial<ReportSettings> = {}): ReportSettings => ({
  githubToken: 'ghs_test',
  comment: true,
  context: '/work/repo',
  file: '/work/repo/Dockerfile',
  target: '',
  platforms: [],
  mode: 'ship',
  ...extra
});
const publish = (report: RunReport, event: GitHubEvent, settings: ReportSettings) =>
  publishReport(report, event, settings, outputDir);

beforeAll(async () => {
  outputDir = await tempDir('shipshape-publish-');
  process.env.SHIPSHAPE_RETRY_BASE_MS = '50';
  delete process.env.GITHUB_STEP_SUMMARY;
});
beforeEach(async () => {
  gh = await startFakeGitHub();
  process.env.GITHUB_API_URL = gh.url;
});
afterEach(async () => {
  // Every request the action made must match GitHub's OpenAPI description.
  expect(gh.rejected()).toEqual([]);
  await gh.close();
});

describe('sticky PR comment', () => {
  test('first run creates it, with the hidden marker; comment-url returned', async () => {
    const result = await publish(fixtureReport(), prEvent(), options());
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].issue).toBe(2);
    expect(
      gh.comments[0].body.startsWith(commentMarker('ghcr.io/codertocat/hello-world', commentKey(options())))
    ).toBe(true);
    expect(result.commentUrl).toBe(gh.comments[0].html_url);
  });

  test('a later run updates the same comment in place', async () => {
    await publish(fixtureReport(), prEvent(), options());
    const report = fixtureReport('debian-10.json');
    await publish(report, prEvent(), options());
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toContain('CVE-2019-18224');
    expect(
      gh.requests.filter(r => r.operation === 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}')
    ).toHaveLength(1);
  });

  test('it finds its comment among many (pagination)', async () => {
    for (let i = 0; i < 120; i++)
      gh.comments.push({ id: i + 1, body: `chatter ${i}`, html_url: '', issue: 2 });
    await publish(fixtureReport(), prEvent(), options());
    await publish(fixtureReport(), prEvent(), options());
    expect(gh.comments.filter(c => c.body.includes('shipshape:comment'))).toHaveLength(1);
  });

  test('two images → two comments; two matrix jobs → two comments', async () => {
    await publish(fixtureReport('alpine-3.9.json', 'ghcr.io/acme/api'), prEvent(), options());
    await publish(fixtureReport('alpine-3.9.json', 'ghcr.io/acme/web'), prEvent(), options());
    await publish(
      fixtureReport('alpine-3.9.json', 'ghcr.io/acme/web'),
      prEvent(),
      options({ target: 'other-matrix-job' })
    );
    await publish(
      fixtureReport('alpine-3.9.json', 'ghcr.io/acme/web'),
      prEvent(),
      options({ target: 'other-matrix-job' })
    );
    expect(gh.comments).toHaveLength(3);
  });

  test('a comment someone else planted with the marker is left alone; ours is written beside it', async () => {
    const marker = commentMarker('ghcr.io/codertocat/hello-world', commentKey(options()));
    gh.comments.push({ id: 1, body: `${marker}\nplanted`, html_url: '', issue: 2, user: 'mallory' });
    const result = await publish(fixtureReport(), prEvent(), options());
    expect(gh.comments.find(c => c.user === 'mallory')?.body).toBe(`${marker}\nplanted`);
    const ours = gh.comments.filter(c => c.user === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(result.commentUrl).toBe(ours[0].html_url);
    expect(gh.requests.filter(r => r.method === 'PATCH')).toEqual([]);
  });

  test("a user token's own comment is found by its login, and updated", async () => {
    const token = { githubToken: 'ghp_usertoken0123456789' };
    await publish(fixtureReport(), prEvent(), options(token));
    await publish(fixtureReport('debian-10.json'), prEvent(), options(token));
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]).toMatchObject({ user: 'user-ghp_user' });
    expect(gh.comments[0].body).toContain('CVE-2019-18224');
  });

  test('a platform job of a multi-runner build posts no comment and no check run: its merge job does', async () => {
    const result = await publish(fixtureReport(), prEvent(), options({ mode: 'platform' }));
    expect(result.check).toBe('skipped');
    expect(gh.comments).toHaveLength(0);
    expect(gh.checkRuns).toHaveLength(0);
  });

  test('push events get no comment', async () => {
    await publish(fixtureReport(), eventOf(scenario('push-branch')), options());
    expect(gh.comments).toHaveLength(0);
    expect(gh.checkRuns).toHaveLength(1);
  });
});

describe('check run', () => {
  test('on the PR head SHA, with conclusion and Dockerfile annotations', async () => {
    const result = await publish(fixtureReport(), prEvent(), options());
    expect(result.check).toBe('check-run');
    const [run] = gh.checkRuns;
    expect(run).toMatchObject({
      name: 'Shipshape: ghcr.io/codertocat/hello-world',
      head_sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      conclusion: 'failure'
    });
    expect(run.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'Dockerfile',
          start_line: 2,
          annotation_level: 'warning',
          title: 'SS010 apk-no-cache'
        }),
        expect.objectContaining({
          path: 'Dockerfile',
          start_line: 1,
          annotation_level: 'failure',
          title: '6 vulnerabilities (2 CRITICAL, 4 MEDIUM) from the base image'
        })
      ])
    );
  });

  test('5,000 lint findings: one request, 16 annotations a level, the rest folded into the last', async () => {
    const report = fixtureReport();
    const many: LintFinding[] = Array.from({ length: 5000 }, (_, i) => ({
      rule: 'SS017',
      name: 'cd-in-run',
      severity: 'info',
      line: i + 1,
      message: `cd ${i}`,
      fix: 'WORKDIR',
      blocking: false
    }));
    report.lint = { findings: many, verdict: verdict('lint', 'passed', '') };
    await publish(report, prEvent(), options());
    expect(gh.requests.filter(r => /check-runs/.test(r.path))).toHaveLength(1);
    const notices = (gh.checkRuns[0].annotations as Annotation[]).filter(
      a => a.annotation_level === 'notice'
    );
    expect(notices).toHaveLength(16);
    expect(notices[15]).toMatchObject({ title: '4985 more', start_line: 16 });
    expect(gh.checkRuns[0].annotations.length).toBeLessThanOrEqual(50);
  });

  test('without checks: write it falls back to a commit status', async () => {
    gh.noChecks = true;
    const result = await publish(fixtureReport(), prEvent(), options());
    expect(result.check).toBe('status');
    expect(gh.statuses).toEqual([
      expect.objectContaining({
        sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        state: 'failure',
        context: 'Shipshape: ghcr.io/codertocat/hello-world'
      })
    ]);
  });

  test('fork PR (read-only token, 403): no comment, no check run, a warning, no failure', async () => {
    gh.readOnly = true;
    const log = captureStdout();
    const result = await publish(fixtureReport(), eventOf(scenario('pull_request-fork')), options()).finally(
      log.stop
    );
    expect(result.check).toBe('none');
    expect(result.commentUrl).toBeUndefined();
    expect(gh.comments).toHaveLength(0);
    expect(log.text()).toMatch(/^::warning::The token cannot comment on this pull request/m);
  });
});

describe('retries and rate limits', () => {
  test('5xx then success', async () => {
    gh.fail({ method: 'POST', path: /\/issues\/2\/comments$/, status: 502, times: 2 });
    await publish(fixtureReport(), prEvent(), options());
    expect(gh.comments).toHaveLength(1);
    expect(
      gh.requests.filter(r => r.method === 'POST' && r.path.endsWith('/issues/2/comments')).map(r => r.status)
    ).toEqual([502, 502, 201]);
  });

  test('secondary rate limit (403 + Retry-After) is waited out', async () => {
    gh.fail({
      method: 'POST',
      path: /check-runs$/,
      status: 403,
      headers: { 'retry-after': '1' },
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      times: 1
    });
    const started = Date.now();
    await publish(fixtureReport(), prEvent(), options());
    expect(gh.checkRuns).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  test('429 with Retry-After is waited out', async () => {
    gh.fail({
      method: 'GET',
      path: /\/issues\/2\/comments$/,
      status: 429,
      headers: { 'retry-after': '1' },
      message: 'Too Many Requests',
      times: 1
    });
    const started = Date.now();
    await publish(fixtureReport(), prEvent(), options());
    expect(gh.comments).toHaveLength(1);
    expect(
      gh.requests.filter(r => r.method === 'GET' && r.path.endsWith('/issues/2/comments')).map(r => r.status)
    ).toEqual([429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  test('a server that keeps failing: bounded, then an error', async () => {
    gh.fail({ method: 'GET', path: /\/issues\/2\/comments$/, status: 500, times: 100 });
    await expect(publish(fixtureReport(), prEvent(), options())).rejects.toThrow();
    expect(
      gh.requests.filter(r => r.method === 'GET' && r.path.endsWith('/issues/2/comments')).length
    ).toBeLessThanOrEqual(4);
  });
});

describe('the OpenAPI check of the fake itself', () => {
  test('a malformed request is rejected', async () => {
    const response = await fetch(`${gh.url}/repos/a/b/check-runs`, {
      method: 'POST',
      body: JSON.stringify({ head_sha: 'x' })
    });
    expect(response.status).toBe(422);
    const unknown = await fetch(`${gh.url}/repos/a/b/no-such-thing`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(422);
    expect(gh.rejected()).toHaveLength(2);
    gh.requests.length = 0;
  });
});
