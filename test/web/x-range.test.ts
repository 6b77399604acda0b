import { describe, expect, it } from 'vitest';
import { xScaleRange } from '../../web/src/charts/x-range.js';

describe('chart x range', () => {
  it('centres a lone point on a time axis, whatever range uPlot guessed (it adds 86,400 / ms seconds)', () => {
    const t = 1_714_557_601;
    expect(xScaleRange([t], t, t + 86_400_000, { time: true, zoom: null })).toEqual([t - 30, t + 30]);
    expect(xScaleRange([t, t], t, t + 86_400_000, { time: true, zoom: null })).toEqual([t - 30, t + 30]);
  });

  it("keeps uPlot's rounded range around a lone step or relative time", () => {
    expect(xScaleRange([5], 0, 10, { time: false, zoom: null })).toEqual([0, 10]);
  });

  it('keeps the data range of several points, and a zoom over everything', () => {
    expect(xScaleRange([1, 2, 3], 1, 3, { time: true, zoom: null })).toEqual([1, 3]);
    expect(xScaleRange([5], 5, 5, { time: true, zoom: [2, 8] })).toEqual([2, 8]);
  });

  it('widens an empty range by a unit either side', () => {
    expect(xScaleRange([], 3, 3, { time: false, zoom: null })).toEqual([2, 4]);
    expect(xScaleRange([], 3, 9, { time: true, zoom: null })).toEqual([3, 9]);
  });
});
