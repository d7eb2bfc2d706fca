import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { docker, engineStore, removeImages } from '../helpers/docker.js';
import { context, TWO_PLATFORMS } from '../helpers/dockerfiles.js';
import { engineWorld } from '../helpers/engine-world.js';

// Empties the daemon's build cache, so it runs on its own (scripts/test.sh runs `*.serial.test.ts`
// files after the others, one at a time): no other suite is building meanwhile.
const STORE = await engineStore();
const world = engineWorld('cold');
const { app, ship } = world;

/** The local image gone and the build cache empty: a fresh runner, but for its base images. */
async function coldDaemon(...images: string[]): Promise<void> {
  for (const image of images) await removeImages(image);
  await docker(['builder', 'prune', '--all', '--force']);
}

describe(`build cache from the registry (${STORE} image store)`, () => {
  test('a cold daemon reuses every step from the cache of the earlier push, and says so (containerd store: that cache is the pushed image, tagged)', async () => {
    const dir = await app('cache');
    const image = `${world.registry.host}/cold/cache`;
    const nonce = `NONCE=${randomBytes(8).toString('hex')}`;
    const first = await ship(dir, image, { 'build-args': nonce, scan: 'false', 'smoke-test': 'false' });
    expect(first.exitCode).toBe(0);
    const saved = STORE === 'containerd' ? `${image}:buildcache-master` : `${image}:master`;
    if (STORE === 'containerd') {
      expect(first.summary).toContain(`saved to \`${saved}\``);
      // One stage, one platform: the image's inline cache holds every step, and no export is written.
      expect(await world.clientOf(world.registry, 'cold/cache').digest('buildcache-master')).toBe(
        first.outputs.digest
      );
    }
    await coldDaemon(`${image}*`);
    const second = await ship(dir, image, { 'build-args': nonce, scan: 'false', 'smoke-test': 'false' });
    expect(second.exitCode).toBe(0);
    // The build log: the import worked, and every step of the Dockerfile came from it.
    const vertex = (title: RegExp) =>
      new RegExp(`^#(\\d+) (?:\\[(?:\\S+ )?\\d+/\\d+\\] )?${title.source}`, 'm').exec(second.stdout)?.[1];
    const imported = vertex(new RegExp(`importing cache manifest from ${saved.replace(/[.:/]/g, '\\$&')}`));
    expect(imported).toBeDefined();
    expect(second.stdout).toContain(`#${imported} DONE`);
    expect(second.stdout).not.toContain(`#${imported} ERROR`);
    // Each step is CACHED, or (BuildKit's report of a COPY loaded from the cache) only pulled its layers.
    const steps = [
      /RUN echo "\w+" > \/nonce/,
      /RUN echo ok/,
      /COPY app\.txt/,
      /WORKDIR ::warning::/,
      /RUN --mount/
    ];
    for (const step of steps) {
      const id = vertex(step);
      expect(id).toBeDefined();
      const lines = second.stdout.split('\n').filter(l => l.startsWith(`#${id} `));
      expect(lines.filter(l => !/^#\d+ (\[|(pulling )?sha256:[0-9a-f]{64}\b|DONE |CACHED$)/.test(l))).toEqual(
        []
      );
      expect(lines.some(l => /^#\d+ (CACHED$|(pulling )?sha256:)/.test(l))).toBe(true);
    }
    expect(second.summary).toContain(`${steps.length} of ${steps.length} steps cached from \`${saved}\``);
    // Step by step: the first run built each one; the second took each from the cache it imported.
    const stepRows = (summary: string) => summary.split('\n').filter(l => l.startsWith('| `['));
    expect(stepRows(first.summary)).toHaveLength(steps.length);
    expect(stepRows(first.summary).every(row => row.endsWith('| built |'))).toBe(true);
    expect(second.summary).toContain(`Build steps: ${steps.length} of ${steps.length} reused`);
    expect(stepRows(second.summary)).toHaveLength(steps.length);
    expect(stepRows(second.summary).every(row => row.endsWith(`| \`${saved}\` |`))).toBe(true);
  });

  // Each try: a push of two platforms, a cold daemon, one file changed, a rerun of one platform.
  const TRIES = Number(process.env.SHIPSHAPE_COLD_TRIES ?? 1);

  (STORE === 'containerd' ? test : test.skip)(
    `after a two-platform push, a cold one-platform rerun reuses every unchanged step (${TRIES} tries)`,
    async () => {
      const image = `${world.registry.host}/cold/two`;
      const saved = `${image}:buildcache-master`;
      for (let i = 0; i < TRIES; i++) {
        const quiet = {
          scan: 'false',
          'smoke-test': 'false',
          'build-args': `NONCE=${randomBytes(8).toString('hex')}`
        };
        const dir = await context(
          path.join(world.work, `two-${i}`),
          [...TWO_PLATFORMS, 'COPY app.txt /app.txt', 'COPY changed.txt /changed.txt'],
          { 'app.txt': 'v1\n', 'changed.txt': 'before\n' }
        );
        const first = await ship(dir, image, { ...quiet, platforms: 'linux/amd64,linux/arm64' });
        expect(first.exitCode).toBe(0);
        // Two platforms, and a stage only copied from: the cache is BuildKit's own export, not the image.
        const cache = await world.clientOf(world.registry, 'cold/two').manifest('buildcache-master');
        expect(JSON.parse(cache?.bytes.toString() ?? '{}')).toMatchObject({
          config: { mediaType: 'application/vnd.buildkit.cacheconfig.v0' }
        });
        await coldDaemon(`${image}*`);
        await writeFile(path.join(dir, 'changed.txt'), `after ${i}\n`);
        const rerun = await ship(dir, image, { ...quiet, platforms: 'linux/amd64' });
        expect(rerun.exitCode).toBe(0);
        const rows = rerun.summary.split('\n').filter(l => l.startsWith('| `['));
        const from = rows.map(row => row.replace(/^\| `\[[^\]]*\] (\S+ \S+).*\| (.*) \|$/, '$1 $2'));
        expect(from.sort()).toEqual(
          [
            `RUN mkdir \`${saved}\``,
            `COPY --from=tools \`${saved}\``,
            `COPY app.txt \`${saved}\``,
            'COPY changed.txt built'
          ].sort()
        );
      }
    }
  );
});
