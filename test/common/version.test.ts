import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHIPSHAPE_VERSION } from '../../src/common/version.js';
import { ROOT } from '../helpers/docker.js';

test('SHIPSHAPE_VERSION is package.json’s version', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(SHIPSHAPE_VERSION).toBe(pkg.version);
});
