import { afterAll, beforeAll, expect } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureDocker, removeImages, startRegistry, type Registry, type RegistryOptions } from './docker.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

export interface World {
  registry: Registry;
  gh: FakeGitHub;
  work: string;
}

/**
 * An e2e suite's world: a work directory, a local registry and the fake GitHub API, set up
 * before its tests and torn down after them, with the images it built. The fake must have
 * turned down no request.
 */
export function e2eWorld(
  name: string,
  images: string,
  registryOptions: (work: string) => Promise<RegistryOptions> = () => Promise.resolve({})
): World {
  const world = {} as World;
  beforeAll(async () => {
    await ensureDocker();
    world.work = await mkdtemp(path.join(os.tmpdir(), `shipshape-${name}-`));
    world.registry = await startRegistry(await registryOptions(world.work));
    world.gh = await startFakeGitHub();
  }, 300000);
  afterAll(async () => {
    expect(world.gh.rejected()).toEqual([]);
    await world.gh.close();
    await world.registry.stop();
    await rm(world.work, { recursive: true, force: true });
    await removeImages(images);
  });
  return world;
}
