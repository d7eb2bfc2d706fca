import * as glob from '@actions/glob';
import { Type } from '@sinclair/typebox';
import path from 'node:path';
import { MAX_JSON_BYTES, parseChecked, readBounded } from '../common/json-file.js';
import type { PlatformResult } from '../common/platform-result.js';
import { PlatformResult as PlatformResultSchema } from '../common/platform-result-schema.js';
import { samePlatform } from '../common/oci-layout.js';

/**
 * The platform jobs' results as the merge reads them: every file the `results` glob matches,
 * each a report whose `platformResult` fits its schema; then the set is checked against what
 * this run expects (every platform once, from this repository and commit, passed, pushed to
 * every image name). Nothing here asks a registry: index.ts does.
 */

/** A report: only its platform result is read; the rest is the platform job's own business. */
const ResultFile = Type.Object({ platformResult: PlatformResultSchema });

/** What the results must match: this run's repository, commit, platforms and image names. */
export interface Expected {
  repository: string;
  commit: string;
  platforms: string[];
  images: string[];
  /** The merge tags: every result must name the manifest its job pushed. */
  pushes: boolean;
}

const refusal = (why: string): Error => new Error(`merge refused, nothing tagged: ${why}`);

/** One result file, checked against the schema; errors name the file and where, never the content. */
export async function readResult(file: string): Promise<PlatformResult> {
  const name = path.basename(file);
  const refuse = (why: string): Error => refusal(`${name} is not a platform result: ${why}`);
  return parseChecked(await readBounded(file, name, MAX_JSON_BYTES), ResultFile, refuse).platformResult;
}

/** Every result the glob matches (links not followed). */
export async function readResults(pattern: string): Promise<PlatformResult[]> {
  const globber = await glob.create(pattern, { followSymbolicLinks: false, matchDirectories: false });
  const files = (await globber.glob()).sort();
  if (files.length === 0) throw refusal(`no file matches results: ${pattern}`);
  if (files.length > 64) throw refusal(`${files.length} files match results, more than 64 platforms`);
  return Promise.all(files.map(readResult));
}

/** A result that passed and names its manifest. */
export type PassedResult = PlatformResult & { manifest: NonNullable<PlatformResult['manifest']> };

/**
 * The results in the order `platforms` names them, each checked against this run (pure). Where
 * the merge tags, each must name the manifest its job pushed; where it does not (a fork's pull
 * request), the jobs pushed nothing and only their gates count.
 */
export function checkResults(results: PlatformResult[], expected: Expected): PlatformResult[] {
  const ordered = expected.platforms.map(platform => {
    const found = results.filter(
      r => samePlatform(platform, r.platform) && samePlatform(r.platform, platform)
    );
    if (found.length === 0)
      throw refusal(`no result for ${platform}: its job did not finish or its report was not downloaded`);
    if (found.length > 1) throw refusal(`${found.length} results for ${platform}`);
    return found[0];
  });
  const extra = results.find(r => !ordered.includes(r));
  if (extra) throw refusal(`a result for ${extra.platform}, which "platforms" does not list`);
  return ordered.map(r => {
    if (r.repository !== expected.repository || r.commit !== expected.commit)
      throw refusal(
        `the result for ${r.platform} was built from ${r.repository}@${r.commit.slice(0, 12)}, not ${expected.repository}@${expected.commit.slice(0, 12)}`
      );
    if (!r.passed) {
      const blocked = r.verdicts.filter(v => v.status === 'failed' || v.status === 'error');
      const why = blocked.map(v => `${v.gate} ${v.status}`).join(', ') || 'its push failed';
      throw refusal(`${r.platform} did not pass (${why})`);
    }
    if (!expected.pushes) return r;
    if (!r.manifest) throw refusal(`${r.platform} passed but its job pushed nothing to tag`);
    const missing = expected.images.filter(image => !r.images.includes(image));
    if (missing.length > 0 || r.images.length !== expected.images.length)
      throw refusal(
        `the result for ${r.platform} was pushed to ${r.images.join(', ') || 'nothing'}, not to ${expected.images.join(', ')}`
      );
    return r;
  });
}

/** The results that name their pushed manifest: every one, once checked for a run that tags. */
export const pushedResults = (results: PlatformResult[]): PassedResult[] =>
  results.flatMap(r => (r.manifest ? [{ ...r, manifest: r.manifest }] : []));
