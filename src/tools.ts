import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The tools Shipshape downloads itself (Trivy, cosign): checked, cached, checked again. */

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Beside a binary Shipshape installed: its SHA-256 then, so a later run can tell it is unchanged. */
const MARK = '.shipshape-sha256';

/** The tool-cache copy of `name` at `version`, if Shipshape installed it there and it is unchanged since. */
export async function cachedTool(
  name: string,
  version: string,
  binary: string
): Promise<{ path: string; sha256: string } | undefined> {
  const dir = tc.find(name, version);
  if (!dir) return undefined;
  const bin = path.join(dir, binary);
  const recorded = (await readFile(path.join(dir, MARK), 'utf8').catch(() => '')).trim();
  if (!recorded || recorded !== (await sha256(bin).catch(() => ''))) {
    core.warning(
      `The ${name} ${version} in the tool cache (${bin}) was not installed by Shipshape or has changed: installing it again`
    );
    return undefined;
  }
  return { path: bin, sha256: recorded };
}

/** Records the binary's SHA-256 beside it and moves the directory into the tool cache. */
export async function cacheTool(dir: string, name: string, version: string, binary: string): Promise<string> {
  await writeFile(path.join(dir, MARK), await sha256(path.join(dir, binary)));
  return path.join(await tc.cacheDir(dir, name, version), binary);
}

export async function download(url: string, what: string): Promise<string> {
  try {
    return await tc.downloadTool(url);
  } catch (error) {
    throw new Error(`cannot download the ${what} from ${url}: ${(error as Error).message}`);
  }
}
