import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { docker, engineStore, removeImages } from '../helpers/docker.js';
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
  test('a cold daemon reuses every step from the cache of the earlier push, and says so', async () => {
    const dir = await app('cache');
    const image = `${world.registry.host}/cold/cache`;
    const nonce = `NONCE=${randomBytes(8).toString('hex')}`;
    const first = await ship(dir, image, { 'build-args': nonce, scan: 'false', 'smoke-test': 'false' });
    expect(first.exitCode).toBe(0);
    const saved = STORE === 'containerd' ? `${image}:buildcache-master` : `${image}:master`;
    if (STORE === 'containerd') expect(first.summary).toContain(`saved to \`${saved}\``);
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
  });
});
