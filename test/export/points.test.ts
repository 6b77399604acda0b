import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/export/points.js';

const reference = (ms: number) => {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
};

describe('isoTime', () => {
  it('writes what Date#toISOString writes, for any time in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }), fc.integer({ min: 1.7e12, max: 1.8e12 }))), (times) => {
        for (const ms of times) expect(isoTime(ms)).toBe(reference(ms));
      }),
    );
  });

  it('handles the edges of Date’s range, years past 9999, fractions of a ms and non-numbers', () => {
    for (const ms of [0, -1, -0.5, 999.999, -1001.25, 253402300799999, 253402300800000, -62198755200001, 8.64e15, -8.64e15, 8.64e15 + 1, Number.NaN, 1e300]) {
      expect(isoTime(ms)).toBe(reference(ms));
    }
  });
});
