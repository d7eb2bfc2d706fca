/** Bytes as `docker images` prints sizes: decimal units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A size change as the PR comment and the size gate print it: `+1.2 MB (+20.8%)`, `−1.0 MB (−12.5%)`. */
export function formatSizeChange(before: number, after: number): string {
  const delta = after - before;
  const sign = delta >= 0 ? '+' : '−';
  const percent = before > 0 ? ` (${sign}${Math.abs((delta / before) * 100).toFixed(1)}%)` : '';
  return `${sign}${formatBytes(Math.abs(delta))}${percent}`;
}
