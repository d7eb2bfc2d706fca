// Runs the bundled action (dist/index.js) on examples/flask exactly as a GitHub runner would:
// a tag push event, INPUT_* variables, and the runner's command files. Prints the job summary
// and leaves every file under demo-output/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'demo-output');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// A real push payload recorded by GitHub, re-pointed at a release tag.
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples');
const push = structuredClone(
  examples.find(e => e.name === 'push').examples.find(e => e.ref.startsWith('refs/tags/'))
);
push.ref = 'refs/tags/v1.0.0';

const files = {
  event: path.join(out, 'event.json'),
  output: path.join(out, 'outputs.txt'),
  summary: path.join(out, 'summary.md'),
  state: path.join(out, 'state.txt')
};
writeFileSync(files.event, JSON.stringify(push, null, 2));
for (const f of [files.output, files.summary, files.state]) writeFileSync(f, '');

const inputs = {
  context: 'examples/flask',
  images: 'localhost:5000/shipshape-demo/flask',
  'build-args': `BASE_IMAGE=${process.env.DEMO_BASE_IMAGE ?? 'shipshape.local/python-base:3'}`
};
const env = {
  ...process.env,
  // Prefer a CLI that can build with BuildKit when the machine has several.
  PATH: `/usr/bin:${process.env.PATH}`,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: files.event,
  GITHUB_REF: push.ref,
  GITHUB_SHA: push.after,
  GITHUB_REPOSITORY: push.repository.full_name,
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '1',
  GITHUB_WORKSPACE: root,
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_STATE: files.state,
  RUNNER_TEMP: out,
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
};

console.log('▶ node dist/index.js  (push of tag v1.0.0, examples/flask)\n');
const main = spawnSync(process.execPath, [path.join(root, 'dist/index.js')], {
  env,
  stdio: 'inherit',
  cwd: root
});
console.log('\n▶ node dist/index.js\n');
// The runner hands the main step's saved state to the post step as STATE_<name>.
const state = Object.fromEntries(
  [...readFileSync(files.state, 'utf8').matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map(m => [
    `STATE_${m[1]}`,
    m[3]
  ])
);
spawnSync(process.execPath, [path.join(root, 'dist/index.js')], {
  env: { ...env, ...state },
  stdio: 'inherit',
  cwd: root
});

console.log('\n──────── job summary (demo-output/summary.md) ────────\n');
console.log(readFileSync(files.summary, 'utf8'));
console.log('──────── outputs (demo-output/outputs.txt) ────────\n');
console.log(readFileSync(files.output, 'utf8'));
process.exit(main.status ?? 1);
