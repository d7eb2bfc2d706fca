import { describe, expect, test } from '@jest/globals';
import { exceeds, parseSizeLimit } from '../../src/common/size-limit.js';

describe('max-size-increase grammar', () => {
  test('shares, decimal and binary units, bare bytes; empty and none are no limit', () => {
    expect(parseSizeLimit('10%')).toEqual({ text: '10%', percent: 10 });
    expect(parseSizeLimit(' 2.5 % ')).toEqual({ text: '2.5 %', percent: 2.5 });
    expect(parseSizeLimit('50MB')).toEqual({ text: '50MB', bytes: 50_000_000 });
    expect(parseSizeLimit('50mb')).toEqual({ text: '50mb', bytes: 50_000_000 });
    expect(parseSizeLimit('1.5GiB')).toEqual({ text: '1.5GiB', bytes: 1.5 * 1024 ** 3 });
    expect(parseSizeLimit('300kB')).toEqual({ text: '300kB', bytes: 300_000 });
    expect(parseSizeLimit('4096')).toEqual({ text: '4096', bytes: 4096 });
    expect(parseSizeLimit('')).toBeUndefined();
    expect(parseSizeLimit('none')).toBeUndefined();
  });

  test('anything else is refused, naming the input and the value', () => {
    for (const bad of ['ten%', '10 percent', '-5%', '5TB', '%', '1e6']) {
      expect(() => parseSizeLimit(bad)).toThrow(
        `input "max-size-increase" must be a share such as 10% or a size such as 50MB; got "${bad}"`
      );
    }
  });

  test('over the limit only when the growth is strictly greater; from nothing, any growth is over a share', () => {
    expect(exceeds({ text: '10%', percent: 10 }, 1000, 1100)).toBe(false);
    expect(exceeds({ text: '10%', percent: 10 }, 1000, 1101)).toBe(true);
    expect(exceeds({ text: '1KB', bytes: 1000 }, 5, 1005)).toBe(false);
    expect(exceeds({ text: '1KB', bytes: 1000 }, 5, 1006)).toBe(true);
    expect(exceeds({ text: '10%', percent: 10 }, 0, 1)).toBe(true);
    expect(exceeds({ text: '10%', percent: 10 }, 0, 0)).toBe(false);
  });
});
