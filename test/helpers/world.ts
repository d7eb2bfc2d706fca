import { afterAll, beforeAll, expect } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ensureDocker,
  removeImages,
  ROOT,
  startRegistry,
  type Registry,
  type RegistryOptions
} from './docker.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { plantedContext } from './plant.js';

export interface World {
  registry: Registry;
  gh: FakeGitHub;
  work: string;
  /** The repository the runs build from: examples/flask, planted with forged commands and `secrets`. */
  workspace: string;
}

/**
 * An e2e suite's world: a work directory, a workspace holding a planted examples/flask, a
 * local registry and the fake GitHub API, set up before its tests and torn down after them,
 * with the images it built. The fake must have turned down no request.
 */
export function e2eWorld(
  name: string,
  images: string,
  secrets: string[],
  registryOptions: (work: string) => Promise<RegistryOptions> = () => Promise.resolve({})
): World {
  const world = {} as World;
  beforeAll(async () => {
    await ensureDocker();
    world.work = await mkdtemp(path.join(os.tmpdir(), `shipshape-${name}-`));
    world.workspace = path.join(world.work, 'workspace');
    await plantedContext(
      path.join(ROOT, 'examples/flask'),
      path.join(world.workspace, 'examples/flask'),
      secrets
    );
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
