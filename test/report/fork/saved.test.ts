import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitHubEvent } from '../../../src/action/event.js';
import {
  commentKey,
  commentMarker,
  FORK_CHECK_NAME,
  publishReport,
  type ReportSettings
} from '../../../src/report/index.js';
import { nestingDepth } from '../../../src/common/json-file.js';
import { postSavedReport, readSaved } from '../../../src/report/fork/saved.js';
import type { RunReport } from '../../../src/results.js';
import { eventOf, payload, PR_HEAD_SHA, scenario } from '../../helpers/events.js';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js';
import { elements, htmlComments, references, renderGfm } from '../../helpers/gfm.js';
import { captureStdout } from '../../helpers/runner-log.js';
import { everySectionReport, fixtureReport, freeTextPaths, setAt } from '../../helpers/report.js';

const RUN_URL = 'https://github.com/Codertocat/Hello-World/actions/runs/777';
const settings = (extra: Partial<ReportSettings & { forkReportConclusion: 'neutral' | 'verdict' }> = {}) => ({
  githubToken: 'ghs_base_repository_token',
  comment: true,
  context: '/work/repo',
  file: '/work/repo/Dockerfile',
  target: '',
  platforms: [],
  mode: 'report',
  forkReportConclusion: 'neutral' as 'neutral' | 'verdict',
  ...extra
});

let gh: FakeGitHub;
let work: string;

/** The base repository's workflow_run event for the fork's finished run. */
function workflowRun(): GitHubEvent {
  const event = payload('workflow_run', e => e.action === 'completed') as {
    workflow_run: Record<string, unknown>;
  };
  Object.assign(event.workflow_run, {
    head_sha: PR_HEAD_SHA,
    head_branch: 'changes',
    html_url: RUN_URL,
    pull_requests: [],
    head_repository: { full_name: 'forker/Hello-World', owner: { login: 'forker' } }
  });
  return {
    eventName: 'workflow_run',
    ref: 'refs/heads/master',
    sha: '5779607b49aab1200488439f02372c57b4f75444',
    repository: 'Codertocat/Hello-World',
    serverUrl: 'https://github.com',
    runId: '778',
    payload: event as GitHubEvent['payload']
  };
}

/** What a fork's run saves: the JSON report its own publish step writes. */
async function saved(report: RunReport, name = 'saved.json'): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'fork-'));
  const result = await publishReport(
    report,
    eventOf(scenario('pull_request-fork')),
    settings({ githubToken: '' }),
    dir
  );
  const file = path.join(work, name);
  await writeFile(file, await readFile(result.reportPath));
  return file;
}

const post = (file: string, extra: Partial<ReturnType<typeof settings>> = {}) =>
  postSavedReport({ ...settings(extra), reportFile: file }, workflowRun(), work);
const nothingPosted = () => {
  expect(gh.comments).toEqual([]);
  expect(gh.checkRuns).toEqual([]);
};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-fork-report-'));
  process.env.SHIPSHAPE_RETRY_BASE_MS = '50';
  delete process.env.GITHUB_STEP_SUMMARY;
});
// The posts' annotations go to this process's stdout: kept from the test log, where a CI runner would act on them.
const annotations = captureStdout();
afterAll(async () => {
  annotations.stop();
  await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  gh = await startFakeGitHub();
  process.env.GITHUB_API_URL = gh.url;
  gh.pulls.push({ number: 2, head: { sha: PR_HEAD_SHA, ref: 'changes', owner: 'forker' } });
});
afterEach(async () => {
  expect(gh.rejected()).toEqual([]);
  await gh.close();
});

describe("a fork's saved report, posted by the base repository", () => {
  test('its own check name, the link GitHub gave the run, and neutral for a pass on the fork’s word', async () => {
    const report = fixtureReport();
    report.gates = { passed: true, gates: [] };
    report.scan!.report.findings = [];
    report.runUrl = 'https://evil.example/fake-run';
    await post(await saved(report));
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({
      name: FORK_CHECK_NAME,
      head_sha: PR_HEAD_SHA,
      conclusion: 'neutral'
    });
    expect(gh.checkRuns[0].details_url).toBe(RUN_URL);
    expect(JSON.stringify(gh.requests.map(r => r.body))).not.toContain('evil.example');
  });

  test('the workflow may trust its verdict: a pass is then a success', async () => {
    const report = fixtureReport();
    report.gates = { passed: true, gates: [] };
    report.scan!.report.findings = [];
    await post(await saved(report), { forkReportConclusion: 'verdict' });
    expect(gh.checkRuns[0].conclusion).toBe('success');
  });

  test('a report that claims it passed while it lists a blocking finding is a failure', async () => {
    const report = fixtureReport();
    report.gates = { passed: true, gates: [] };
    expect(report.scan!.report.findings.some(f => f.blocking)).toBe(true);
    await post(await saved(report), { forkReportConclusion: 'verdict' });
    expect(gh.checkRuns[0].conclusion).toBe('failure');
  });

  test("the comment's first line is the fork-report marker, from nothing in the report", async () => {
    const report = fixtureReport('alpine-3.9.json', 'ghcr.io/victim/other-image');
    await post(await saved(report));
    const marker = commentMarker(undefined, commentKey(settings()));
    expect(gh.comments[0].body.split('\n')[0]).toBe(marker);
  });

  test("a second image's run never edits a comment it did not write for its own image", async () => {
    const victim = 'ghcr.io/codertocat/hello-world';
    const theirs = commentMarker(victim, commentKey(settings()));
    const report = fixtureReport();
    report.plan.warnings.push(theirs);
    report.scan!.report.findings[0].title = `\n${theirs}\n`;
    await post(await saved(report));
    const planted = gh.comments[0];
    expect(planted.body).toContain('shipshape:comment');
    await publishReport(fixtureReport(), eventOf(scenario('pull_request-opened')), settings(), work);
    expect(gh.comments).toHaveLength(2);
    expect(gh.comments[0].body).toBe(planted.body);
    expect(gh.comments[1].body.split('\n')[0]).toBe(theirs);
  });
});

describe('a poisoned report: refused with one line and nothing posted, or posted inert', () => {
  const refused = async (file: string, message: string | RegExp) => {
    const started = Date.now();
    const error = await post(file).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).toMatch(message);
    expect(error?.message.split('\n')).toHaveLength(1);
    nothingPosted();
    expect(Date.now() - started).toBeLessThan(30_000);
  };
  const raw = async (text: string): Promise<string> => {
    const file = path.join(work, `raw-${Math.random()}.json`);
    await writeFile(file, text);
    return file;
  };
  const json = async (edit: (report: Record<string, unknown>) => void): Promise<string> => {
    const report = JSON.parse(await readFile(await saved(fixtureReport()), 'utf8')) as Record<
      string,
      unknown
    >;
    edit(report);
    return raw(JSON.stringify(report));
  };

  test('every string field carrying HTML, a team mention, </details>, a marker and a lone carriage return: posted inert', async () => {
    const poison =
      '<img src="https://evil.example/t.png"> @org/security-team </details></details> <!-- shipshape:comment image=x job=y -->\rlive';
    const report = everySectionReport();
    for (const at of freeTextPaths(report)) setAt(report, at, poison);
    const started = Date.now();
    await post(await saved(report));
    expect(Date.now() - started).toBeLessThan(30_000);
    const [first, ...comment] = gh.comments[0].body.split('\n');
    expect(first).toBe(commentMarker(undefined, commentKey(settings())));
    for (const body of [comment.join('\n'), gh.checkRuns[0].output?.summary ?? '']) {
      const html = renderGfm(body);
      expect(elements(html).filter(e => /^\/?(img|script|iframe)$/.test(e))).toEqual([]);
      const count = (name: string) => elements(html).filter(e => e === name).length;
      expect(count('details')).toBe(count('/details'));
      expect(htmlComments(html)).toEqual([]);
      expect(references(html)).toEqual([]);
    }
  });

  test('a 300 KB field: refused within the bounds, in well under 30 s', async () => {
    await refused(
      await json(r => ((r.smoke as { message: string }).message = 'a.'.repeat(150_000))),
      /^the saved report is not a Shipshape report \(version 1\): \/smoke\/message: /
    );
  });

  test('a 300 KB log field is within its bound and posted inert', async () => {
    const report = fixtureReport();
    report.smoke = { ...report.smoke!, evidence: `${'a.'.repeat(150_000)}<img src=x>` };
    const started = Date.now();
    await post(await saved(report));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(elements(renderGfm(gh.comments[0].body))).not.toContain('img');
  });

  test.each([
    [
      'a count as a string',
      (r: Record<string, unknown>) => setAt(r, ['scan', 'report', 'counts', 'HIGH'], '3'),
      '/scan/report/counts/HIGH'
    ],
    [
      'a line as a string',
      (r: Record<string, unknown>) => setAt(r, ['lint', 'findings', 0, 'line'], '1<img>'),
      '/lint/findings/0/line'
    ],
    [
      'a gate status not one of the four',
      (r: Record<string, unknown>) => setAt(r, ['gates', 'gates', 0, 'status'], '<b>ok</b>'),
      '/gates/gates/0/status'
    ],
    ['a health word', (r: Record<string, unknown>) => setAt(r, ['smoke', 'health'], 'fine'), '/smoke/health'],
    [
      'a field the schema does not know',
      (r: Record<string, unknown>) => setAt(r, ['plan', 'extra'], 'x'),
      '/plan/extra'
    ],
    [
      'a number past its bound',
      (r: Record<string, unknown>) => setAt(r, ['build', 'cache', 'steps'], 1e300),
      '/build/cache/steps'
    ],
    ['another version', (r: Record<string, unknown>) => setAt(r, ['reportVersion'], 2), '/reportVersion']
  ])('%s is refused, naming where', async (_what, edit, where) => {
    await refused(await json(edit), `: ${where}: `);
  });

  test('100,000 levels of nesting: refused before parsing', async () => {
    await refused(
      await raw(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      'it nests deeper than 32 levels'
    );
  });

  test('not JSON: refused without echoing it', async () => {
    await refused(await raw('<img src=x> @org/team'), /: it is not JSON$/);
  });

  test('a symlinked report-file is not followed, and its target is not echoed', async () => {
    const secret = path.join(work, 'secret.txt');
    await writeFile(secret, 'TOP-SECRET-CONTENT');
    const link = path.join(work, 'link.json');
    await symlink(secret, link);
    await refused(link, 'report-file is a symbolic link: not followed');
  });

  test('a file over 10 MB is refused before it is read', async () => {
    await refused(
      await raw(' '.repeat(10 * 1024 * 1024 + 1)),
      /report-file is 10485761 bytes, over the 10485760/
    );
  });
});

describe('the bounds, without the API', () => {
  test('nesting depth is counted outside strings only', () => {
    expect(nestingDepth('{"a":[1,{"b":"[[[[{{{{\\"["}]}')).toBe(3);
    expect(nestingDepth('[]')).toBe(1);
    expect(nestingDepth('"x"')).toBe(0);
  });

  test('a report Shipshape wrote reads back as it was, but for dry-run', async () => {
    const report = everySectionReport();
    const file = await saved(report);
    expect(readSaved(await readFile(file, 'utf8'))).toEqual({
      ...JSON.parse(JSON.stringify(report)),
      dryRun: false
    });
  });
});
