import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { formatDate } from '../../src/plan/dates.js';
import { TZDATA_GZIP_BASE64 } from '../../src/plan/tzdata.js';

const require = createRequire(import.meta.url);

describe('date formatting carries moment-timezone’s zone data gzipped', () => {
  test('the carried data is the installed moment-timezone’s (after an upgrade: npm run tzdata)', () => {
    const installed: unknown = JSON.parse(
      readFileSync(require.resolve('moment-timezone/data/packed/latest.json'), 'utf8')
    );
    const carried: unknown = JSON.parse(
      gunzipSync(Buffer.from(TZDATA_GZIP_BASE64, 'base64')).toString('utf8')
    );
    expect(carried).toEqual(installed);
  });

  // Expected values are what moment-timezone with its own bundled data (metadata-action's) prints.
  test.each([
    ['2026-11-22T23:30:00Z', 'YYYYMMDD-HHmm z', 'Asia/Tokyo', '20261123-0830 JST'],
    ['2026-07-01T12:00:00Z', 'YYYY-MM-DD HH:mm zz ZZ', 'Europe/Paris', '2026-07-01 14:00 CEST +0200'],
    ['2031-07-01T12:00:00Z', 'HH:mm z', 'America/New_York', '08:00 EDT'],
    ['1969-07-20T20:17:00Z', 'YYYYMMDD HH:mm z', 'Asia/Kolkata', '19690721 01:47 IST'],
    ['2026-03-29T01:30:00Z', 'GGGG.WW dddd Do HH:mm z', 'Europe/London', '2026.13 Sunday 29th 02:30 BST']
  ])('%s as %s in %s → %s', (instant, format, zone, expected) => {
    expect(formatDate(new Date(instant), format, zone)).toBe(expected);
  });
});
