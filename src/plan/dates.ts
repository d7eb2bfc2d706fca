import moment from 'moment-timezone/moment-timezone.js';
import { gunzipSync } from 'node:zlib';
import { TZDATA_GZIP_BASE64 } from './tzdata.js';

// moment-timezone without its bundled data (700 KB): the same data, carried gzipped.
moment.tz.load(
  JSON.parse(gunzipSync(Buffer.from(TZDATA_GZIP_BASE64, 'base64')).toString('utf8')) as Parameters<
    typeof moment.tz.load
  >[0]
);

/**
 * `{{date}}` and `{{commit_date}}` formatting with moment-timezone and every zone's data, as
 * metadata-action formats them. Loaded only by runs whose rules format a date.
 */
export function formatDate(date: Date, format: string, timeZone: string): string {
  if (!moment.tz.zone(timeZone)) throw new Error(`unknown time zone '${timeZone}'`);
  return moment(date).tz(timeZone).format(format);
}
