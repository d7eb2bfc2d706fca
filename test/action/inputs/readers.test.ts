import { describe, expect, test } from '@jest/globals';
import { actionInput, bool, keyValues, lines, list, oneOf } from '../../../src/action/inputs/readers.js';

const one = (name: string, value: string) => (asked: string) => (asked === name ? value : '');

describe('how each kind of input is read', () => {
  test.each([
    ['true', true],
    [' YES ', true],
    ['On', true],
    ['false', false],
    ['no', false],
    ['OFF', false]
  ])('boolean %j → %s', (value, expected) => {
    expect(bool(one('flag', value), 'flag', !expected)).toBe(expected);
  });

  test('an absent boolean is its fallback', () => {
    expect(bool(one('flag', ' '), 'flag', true)).toBe(true);
    expect(bool(one('flag', ''), 'flag', false)).toBe(false);
  });

  test.each(['truex', 'xtrue', 'nope', 'offline', 'xno', '1'])('boolean %j is refused by name', value => {
    expect(() => bool(one('flag', value), 'flag', false)).toThrow(
      `input "flag" must be true or false; got "${value}"`
    );
  });

  test('one of a set: any case, its own spelling back; absent is the fallback; other words refused', () => {
    expect(oneOf(one('mode', ' REPORT '), 'mode', ['ship', 'report'], 'ship')).toBe('report');
    expect(oneOf(one('mode', ''), 'mode', ['ship', 'report'], 'ship')).toBe('ship');
    expect(() => oneOf(one('mode', 'sail'), 'mode', ['ship', 'report'], 'ship')).toThrow(
      'input "mode" must be one of ship, report; got "sail"'
    );
  });

  test('lines: trimmed, blank ones dropped, CRLF read as a line end', () => {
    expect(lines(' a \r\n\n  \nb c\n')).toEqual(['a', 'b c']);
  });

  test('lists: commas and newlines, trimmed, empty entries dropped', () => {
    expect(list(' a, b ,,\nc \n')).toEqual(['a', 'b', 'c']);
    expect(list('')).toEqual([]);
  });

  test('KEY=VALUE lines: the first = splits, values kept as written', () => {
    expect(keyValues(one('build-args', 'A=1\n B = x=y \n\nC='), 'build-args')).toEqual({
      A: '1',
      B: ' x=y',
      C: ''
    });
  });

  test('an action input is read from INPUT_<NAME>, hyphens kept, as the runner sets it', () => {
    process.env['INPUT_SMOKE-PORT'] = ' 8080 ';
    try {
      expect(actionInput('smoke-port')).toBe('8080');
    } finally {
      delete process.env['INPUT_SMOKE-PORT'];
    }
  });
});
