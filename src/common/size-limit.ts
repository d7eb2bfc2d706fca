/**
 * `max-size-increase`: how much an image may grow against its baseline, as a share of the
 * baseline (`10%`) or in bytes (`50MB`, decimal units as `docker images` prints them; `MiB`
 * and the like binary).
 */
export type SizeLimit = { text: string; percent: number } | { text: string; bytes: number };

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3
};

/** Parses `10%`, `50MB`, `1.5GiB` or a bare byte count; empty or `none` is no limit. */
export function parseSizeLimit(value: string, name = 'max-size-increase'): SizeLimit | undefined {
  const text = value.trim();
  if (text === '' || text === 'none') return undefined;
  // Bounded digits: a 400-digit number is not a limit (it would read as Infinity, a gate that never fails).
  const match = /^(\d{1,15}(?:\.\d{1,6})?)\s?(%|[a-z]{1,3})?$/i.exec(text);
  const unit = match?.[2]?.toUpperCase() ?? 'B';
  if (!match || (unit !== '%' && UNITS[unit] === undefined)) {
    throw new Error(`input "${name}" must be a share such as 10% or a size such as 50MB; got "${value}"`);
  }
  const amount = Number(match[1]);
  return unit === '%' ? { text, percent: amount } : { text, bytes: Math.round(amount * UNITS[unit]) };
}

/** Whether growing from `before` to `after` bytes goes over the limit (pure). */
export function exceeds(limit: SizeLimit, before: number, after: number): boolean {
  const growth = after - before;
  if ('bytes' in limit) return growth > limit.bytes;
  return before > 0 ? (growth / before) * 100 > limit.percent : growth > 0;
}
