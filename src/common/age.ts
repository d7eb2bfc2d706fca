const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const count = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** An age as people say it: minutes under an hour, hours under two days, then days. */
export function formatAge(ms: number): string {
  if (ms < HOUR) return count(Math.max(0, Math.floor(ms / MINUTE)), 'minute');
  if (ms < 2 * DAY) return count(Math.floor(ms / HOUR), 'hour');
  return count(Math.floor(ms / DAY), 'day');
}
