import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  atOrAbove,
  countBySeverity,
  emptyCounts,
  MOST_SEVERE_FIRST,
  rank,
  SEVERITIES,
  toSeverity,
  type Severity
} from '../../src/common/severity.js';

const severity = fc.constantFrom(...SEVERITIES);

describe('the one severity order', () => {
  test('UNKNOWN ranks lowest and CRITICAL highest, each a step above the last', () => {
    expect(SEVERITIES.map(rank)).toEqual([0, 1, 2, 3, 4]);
    expect(rank('UNKNOWN')).toBeLessThan(rank('LOW'));
    expect(rank('HIGH')).toBeLessThan(rank('CRITICAL'));
  });

  test('reports list the most severe first', () => {
    expect(MOST_SEVERE_FIRST).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
  });

  test('a severity blocks exactly when it ranks at or above the threshold; none never blocks', () => {
    fc.assert(
      fc.property(severity, severity, (s, threshold) => {
        expect(atOrAbove(s, threshold)).toBe(rank(s) >= rank(threshold));
        expect(atOrAbove(s, 'none')).toBe(false);
      })
    );
    expect(atOrAbove('CRITICAL', 'CRITICAL')).toBe(true);
    expect(atOrAbove('HIGH', 'CRITICAL')).toBe(false);
    expect(atOrAbove('UNKNOWN', 'UNKNOWN')).toBe(true);
  });

  test('any spelling of a severity is read; anything else is not one', () => {
    expect(['critical', 'High', 'MEDIUM', 'low', 'unknown'].map(toSeverity)).toEqual([
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
      'UNKNOWN'
    ]);
    expect([undefined, '', 'none', 'SEVERE', ' HIGH'].map(toSeverity)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ]);
  });

  test('counts start at zero for every severity and count each item once', () => {
    expect(emptyCounts()).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });
    fc.assert(
      fc.property(fc.array(severity), list => {
        const counts = countBySeverity(list.map(s => ({ severity: s })));
        for (const s of SEVERITIES) expect(counts[s]).toBe(list.filter(x => x === s).length);
      })
    );
    const fresh: Severity[] = [];
    expect(countBySeverity(fresh.map(s => ({ severity: s })))).toEqual(emptyCounts());
    expect(emptyCounts()).not.toBe(emptyCounts());
  });
});
