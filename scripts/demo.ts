// `npm run demo`: the whole pipeline of the bundled action (dist/index.js) on examples/flask,
// run as a GitHub runner runs it for a pull request, against a Distribution registry on
// 127.0.0.1 and a local fake of the GitHub API. Everything it writes goes to demo-output/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { collect, prepareRun, type PreparedRun } from '../test/helpers/action.js';
import { removeTempDirs } from '../test/helpers/temp-dirs.js';
import { FIXTURES, PYTHON_BASE, ROOT, STANDIN_BIN, startRegistry } from '../test/helpers/docker.js';
import { scenario } from '../test/helpers/events.js';
import { startFakeGitHub } from '../test/helpers/fake-github.js';

/** Runs a step without blocking this process: the fake GitHub API answers from here. */
const runStep = (step: PreparedRun, env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise(resolve =>
    spawn(step.node, [step.entry], { env, cwd: step.cwd, stdio: ['ignore', 'inherit', 'inherit'] }).on(
      'close',
      code => resolve(code ?? 1)
    )
  );

const out = path.join(ROOT, 'demo-output');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const say = (text: string): void => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);
const note = (lines: string[]): void => console.log(['', ...lines].join('\n'));
/** The proxy settings of this shell reach the step, as a runner's do: Trivy's download uses them. */
const proxies = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] => /^(https?|no)_proxy$/i.test(e[0]) && !!e[1]
  )
);
const env: Record<string, string> = {
  ...proxies,
  PATH: process.env.PATH ?? '',
  GITHUB_JOB: 'image',
  RUNNER_TOOL_CACHE: path.join(out, 'tool-cache'),
  SHIPSHAPE_TRIVY_CACHE_DIR: path.join(out, 'trivy-cache')
};
const inputs: Record<string, string> = {};
/** Where the scan's report comes from, said in the list of files at the end. */
let sarifSource = '';
const trivyOnPath = spawnSync('sh', ['-c', 'command -v trivy'], { encoding: 'utf8' }).stdout.trim();
if (trivyOnPath) {
  // The action never runs a trivy it finds on PATH by itself: it is named.
  inputs['trivy-path'] = trivyOnPath;
  note([`Scanning with the Trivy installed here (${trivyOnPath}), passed as trivy-path.`]);
} else {
  const fixture = 'python-app.json';
  note([
    '*** NOTE: Trivy is not installed here, and this machine cannot download it. ***',
    `The scan stage runs on a RECORDED Trivy report (test/fixtures/trivy/${fixture}: what Trivy finds`,
    'in a Flask image like this one, written by this project from public vulnerability data), not on a',
    'live scan of this image. Every output labels it "0.74.0-recorded-fixture". On a GitHub runner the',
    'action installs and runs the real Trivy. ignore-unfixed is on: the one CRITICAL has no fix.'
  ]);
  inputs['trivy-path'] = path.join(STANDIN_BIN, 'trivy');
  inputs['ignore-unfixed'] = 'true';
  Object.assign(env, {
    TRIVY_STANDIN_FIXTURE: path.join(FIXTURES, fixture),
    TRIVY_STANDIN_VERSION: '0.74.0-recorded-fixture'
  });
  sarifSource = ' (from the RECORDED Trivy report)';
}

say('Starting a Distribution registry and a fake GitHub API on 127.0.0.1');
const registry = await startRegistry();
const github = await startFakeGitHub();
try {
  const pr = scenario('pull_request-opened');
  const image = `${registry.host}/codertocat/hello-world`;
  const step = await prepareRun({
    inputs: {
      context: 'examples/flask',
      images: image,
      'build-args': `BASE_IMAGE=${process.env.DEMO_BASE_IMAGE ?? PYTHON_BASE}`,
      'github-token': 'ghs_demo',
      ...inputs
    },
    event: { name: pr.name, payload: pr.payload, ref: pr.ref, sha: pr.sha },
    env: { ...env, GITHUB_API_URL: github.url }
  });

  say('node dist/index.js   (pull request #2 of Codertocat/Hello-World, examples/flask)');
  const status = await runStep(step, step.env);
  const result = await collect(step, { exitCode: status, stdout: '', stderr: '' });

  say('node dist/index.js   (post step: cleanup)');
  const state = Object.fromEntries(Object.entries(result.state).map(([k, v]) => [`STATE_${k}`, v]));
  await runStep(step, { ...step.env, ...state });

  const comment = github.comments.at(-1);
  await writeFile(path.join(out, 'summary.md'), result.summary);
  if (comment) await writeFile(path.join(out, 'pr-comment.md'), comment.body);
  await writeFile(path.join(out, 'check-runs.json'), JSON.stringify(github.checkRuns, null, 2));
  if (result.outputs.report) await copyFile(result.outputs.report, path.join(out, 'report.json'));
  if (result.outputs.sarif && existsSync(result.outputs.sarif))
    await copyFile(result.outputs.sarif, path.join(out, 'trivy.sarif'));
  await writeFile(path.join(out, 'outputs.json'), JSON.stringify(result.outputs, null, 2));

  console.log('\n──────────────── job summary (demo-output/summary.md) ────────────────\n');
  console.log(result.summary);
  console.log('──────────────── outputs ────────────────');
  for (const [name, value] of Object.entries(result.outputs))
    console.log(`${name.padEnd(16)} ${value.split('\n').join('\n'.padEnd(18))}`);
  console.log('\n──────────────── written ────────────────');
  console.log(
    [
      `demo-output/summary.md       job summary`,
      `demo-output/pr-comment.md    the sticky PR comment the action posted${comment ? '' : ' (none was posted)'}`,
      `demo-output/check-runs.json  the check run with its Dockerfile annotations`,
      `demo-output/report.json      the JSON report of the run`,
      `demo-output/trivy.sarif      SARIF for code scanning${sarifSource}`
    ].join('\n')
  );
  const tags = (await (
    await fetch(`http://${registry.host}/v2/codertocat/hello-world/tags/list`)
  ).json()) as {
    tags?: string[] | null;
  };
  console.log(`\nRegistry tags of ${image}: ${tags.tags?.join(', ') ?? 'none'}`);
  process.exitCode = status;
} finally {
  await github.close();
  await registry.stop();
  // What the demo shows was copied to demo-output/; the run's own directory goes.
  await removeTempDirs();
}
