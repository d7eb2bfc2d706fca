import { describe, expect, test } from '@jest/globals';
import { formatBytes, formatSizeChange } from '../../src/common/bytes.js';

describe('sizes as people read them', () => {
  test('decimal units with one decimal, whole bytes below 1 kB', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_203_648)).toBe('1.2 MB');
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
  });

  test('a change carries the same sign on the size and the share; no share of an empty size', () => {
    expect(formatSizeChange(5_796_352, 6_999_999)).toBe('+1.2 MB (+20.8%)');
    expect(formatSizeChange(8_000_000, 7_000_000)).toBe('−1.0 MB (−12.5%)');
    expect(formatSizeChange(100, 100)).toBe('+0 B (+0.0%)');
    expect(formatSizeChange(0, 4_000)).toBe('+4.0 KB');
  });
});
