import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ACTION_NODE } from '../helpers/action.js';
import { ROOT, ensureDocker, refusingEndpoint, removeImages } from '../helpers/docker.js';

const run = promisify(execFile);
let parent: string;
let clone: string;

/**
 * The repository as a user clones it: its files (tracked and new, as the next commit holds
 * them) in a folder with nothing beside it, so no ../shared. The compiled drivers and the
 * installed packages are linked in rather than built again.
 */
beforeAll(async () => {
  await ensureDocker();
  parent = await mkdtemp(path.join(os.tmpdir(), 'shipshape-clone-'));
  clone = path.join(parent, 'shipshape');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024
  });
  for (const file of stdout.split('\0').filter(f => f && existsSync(path.join(ROOT, f)))) {
    await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await copyFile(path.join(ROOT, file), path.join(clone, file));
  }
  await cp(path.join(ROOT, '.build'), path.join(clone, '.build'), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
}, 120000);
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
  await removeImages('127.0.0.1:*/codertocat/hello-world');
});

test('npm run demo with nothing beside the repository, offline: shipped, the scan on the recorded report, labelled so', async () => {
  // Offline as this machine is, but without asking DNS: GitHub is reached only through a proxy that refuses.
  const refusing = await refusingEndpoint();
  try {
    const { stdout } = await run(process.execPath, [path.join(clone, '.build/scripts/demo.js')], {
      cwd: clone,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOCKER_HOST: process.env.DOCKER_HOST,
        SHIPSHAPE_ACTION_NODE: ACTION_NODE,
        HTTPS_PROXY: refusing.url,
        https_proxy: refusing.url
      },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240000
    });
    expect(stdout).toContain('The scan stage runs on a RECORDED Trivy report');
    const out = path.join(clone, 'demo-output');
    const outputs = JSON.parse(await readFile(path.join(out, 'outputs.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(outputs).toMatchObject({ pushed: 'true', 'scan-result': 'passed', health: 'healthy' });
    // Unfixed findings ignored: 4 HIGH, 1 MEDIUM, 2 LOW, 1 UNKNOWN left, none at the CRITICAL gate.
    expect(JSON.parse(outputs.vulnerabilities)).toEqual({
      UNKNOWN: 1,
      LOW: 2,
      MEDIUM: 1,
      HIGH: 4,
      CRITICAL: 0
    });
    const summary = await readFile(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('Trivy `0.74.0-recorded-fixture`');
    // The Python packages came in with the pip install layer of examples/flask.
    expect(summary).toMatch(/CVE-2023-25577[^\n]*Werkzeug[^\n]*line 19/);
    expect(await readFile(path.join(out, 'pr-comment.md'), 'utf8')).toContain('CVE-2023-30861');
    for (const file of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (file.isFile() && /\.(md|json|sarif)$/.test(file.name))
        expect(await readFile(path.join(file.parentPath, file.name), 'utf8')).not.toContain('ghs_demo');
    }
  } finally {
    await refusing.close();
  }
}, 300000);
