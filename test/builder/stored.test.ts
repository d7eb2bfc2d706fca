import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { imageStored } from '../../src/builder/log/run.js';
import { ROOT } from '../helpers/docker.js';

const lines = (name: string): string[] =>
  readFileSync(path.join(ROOT, 'test/builder/logs', name), 'utf8').split('\n');

/** The lines of a log up to and including the first one that says the image is in the store. */
function untilStored(log: string[]): string[] {
  const stored = imageStored();
  const at = log.findIndex(line => stored(line));
  return at < 0 ? [] : log.slice(0, at + 1);
}

describe('the progress line that says the image is in the store', () => {
  test("a real containerd build's log: the image exporter's DONE, before the cache export starts", () => {
    const log = lines('cold-copy-layers-extracted.log');
    const seen = untilStored(log);
    expect(seen.at(-1)).toBe('#11 DONE 0.2s');
    expect(seen.some(l => l.includes('exporting cache'))).toBe(false);
    expect(log.slice(seen.length).some(l => l.includes('exporting cache to client directory'))).toBe(true);
  });

  test("another step's DONE with the exporter's number is not taken before the exporter started", () => {
    expect(untilStored(['#11 [2/2] COPY app /app', '#11 DONE 0.1s', '#12 exporting to image'])).toEqual([]);
  });

  test('an exporter that fails, or one that writes an OCI layout, never says the image is stored', () => {
    expect(untilStored(['#9 exporting to image', '#9 ERROR: failed to solve'])).toEqual([]);
    expect(untilStored(['#9 exporting to oci image format', '#9 DONE 0.4s'])).toEqual([]);
  });
});
