import { describe, expect, it } from 'vitest';
import { decodeBlocks, decodePoints, encodeBlocks, encodePoints, type PointColumns, summarize } from '../../src/store/chunk-codec.js';

const columns = (values: number[], withSteps: boolean): PointColumns => ({
  time: Float64Array.from(values, (_, i) => 1000 + i),
  step: Float64Array.from(values, (_, i) => (withSteps ? i : Number.NaN)),
  epoch: new Float64Array(values.length).fill(Number.NaN),
  value: Float64Array.from(values),
});

describe('chunk codec', () => {
  it('round-trips points, leaving out absent columns', () => {
    const input = columns([1, Number.NaN, Number.POSITIVE_INFINITY, -0.5], true);
    const blob = encodePoints(input, 0, 4);
    expect(blob.length).toBe(8 + 3 * 4 * 8);
    const output = decodePoints(blob.subarray(0));
    expect([...output.value]).toEqual([1, Number.NaN, Number.POSITIVE_INFINITY, -0.5]);
    expect([...output.step]).toEqual([0, 1, 2, 3]);
    expect(output.epoch.every(Number.isNaN)).toBe(true);
    expect(encodePoints(columns([1, 2], false), 0, 2).length).toBe(8 + 2 * 2 * 8);
  });

  it('decodes a blob that is not 8-byte aligned', () => {
    const blob = encodePoints(columns([3, 4], true), 0, 2);
    const shifted = Buffer.concat([Buffer.from([0]), blob]).subarray(1);
    expect([...decodePoints(shifted).value]).toEqual([3, 4]);
  });

  it('summarizes min and max over non-NaN values, and last as it is', () => {
    const s = summarize(columns([Number.NaN, 5, -2, Number.NaN], true), 0, 4);
    expect(s).toMatchObject({ n: 4, vmin: -2, vmax: 5, t0: 1000, t1: 1003, s0: 0, s1: 3 });
    expect(s.vlast).toBeNaN();
  });

  it('writes one summary per 64 points', () => {
    const values = Array.from({ length: 130 }, (_, i) => i);
    const blocks = decodeBlocks(encodeBlocks(columns(values, true), 0, 130));
    expect(blocks.map((b) => [b.n, b.vmin, b.vmax, b.vlast])).toEqual([
      [64, 0, 63, 63],
      [64, 64, 127, 127],
      [2, 128, 129, 129],
    ]);
  });
});
