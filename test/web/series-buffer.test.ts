import { describe, expect, it } from 'vitest';
import type { SeriesDataResponse } from '../../web/src/api.js';
import { chartMode } from '../../web/src/charts/chart-line.js';
import { ema, SeriesBuffer } from '../../web/src/charts/series-buffer.js';

const data = (xs: number[], last: Array<number | 'NaN'>, seriesCount = xs.length): SeriesDataResponse => ({
  seriesId: 1,
  x: 'step',
  resolution: 'raw',
  total: xs.length,
  xs,
  min: last,
  max: last,
  last,
  count: xs.map(() => 1),
  seriesCount,
});

const points = (start: number, steps: Array<number | null>, values: number[]) => ({
  start,
  time: steps.map((_, i) => 1000 + start + i),
  step: steps,
  epoch: steps.map(() => null),
  value: values,
});

describe('chart series buffer', () => {
  it('appends live points after the buckets it was given, skipping those it already has', () => {
    const buffer = new SeriesBuffer('step', 0);
    buffer.setData(data([0, 1], [5, 4]));
    expect(buffer.append(points(1, [1, 2, 3], [4, 3, 2]))).toBe('ok');
    expect(buffer.xs).toEqual([0, 1, 2, 3]);
    expect(buffer.values).toEqual([5, 4, 3, 2]);
    expect(buffer.seen).toBe(4);
  });

  it('reports a gap when points before the pushed ones are missing, and a step going back', () => {
    const buffer = new SeriesBuffer('step', 0);
    buffer.setData(data([0, 1], [5, 4]));
    expect(buffer.append(points(5, [5], [1]))).toBe('gap');
    expect(buffer.seen).toBe(2);
    expect(buffer.append(points(2, [0], [1]))).toBe('unordered');
  });

  it('leaves points without the axis off the chart but counts them as seen', () => {
    const buffer = new SeriesBuffer('step', 0);
    buffer.setData(data([], [], 0));
    buffer.append(points(0, [null, 7], [1, 2]));
    expect(buffer.xs).toEqual([7]);
    expect(buffer.seen).toBe(2);
  });

  it('keeps NaN for the readout and draws it as a gap', () => {
    const buffer = new SeriesBuffer('step', 0);
    buffer.setData(data([0, 1], [1, 'NaN']));
    expect(buffer.values[1]).toBeNaN();
    expect(buffer.columns()[1]).toEqual([1, null]);
  });

  it('shows relative time as seconds since the run started', () => {
    const buffer = new SeriesBuffer('relative', 10_000);
    buffer.setData({ ...data([10_000, 12_500], [1, 2]), x: 'time' });
    expect(buffer.xs).toEqual([0, 2.5]);
    expect(buffer.nearest(2)).toBe(1);
    expect(buffer.nearest(0.4)).toBe(0);
  });
});

describe('EMA smoothing', () => {
  it('starts at the data (debiased) and carries over gaps', () => {
    const smoothed = ema([10, null, 10, 20], 0.5);
    expect(smoothed[0]).toBeCloseTo(10);
    expect(smoothed[1]).toBeNull();
    expect(smoothed[2]).toBeCloseTo(10);
    // (0.5·(0.5·5 + 5) + 10) / (1 − 0.125) = 13.75 / 0.875
    expect(smoothed[3]).toBeCloseTo(13.75 / 0.875);
  });

  it('is the data itself at weight 0', () => {
    expect(ema([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });
});

describe('chart x mode', () => {
  const line = (hasStep: boolean, hasEpoch: boolean) => ({ id: 'r:1', runId: 'r', seriesId: 1, label: 'loss', color: '#000', startTime: 0, hasStep, hasEpoch });

  it('falls back to epochs for metrics printed per epoch, and to time for series with neither', () => {
    expect(chartMode('step', [line(false, true)])).toBe('epoch');
    expect(chartMode('step', [line(false, false)])).toBe('relative');
    expect(chartMode('epoch', [line(true, false)])).toBe('step');
    expect(chartMode('step', [line(false, true), line(true, false)])).toBe('step');
    expect(chartMode('time', [line(false, false)])).toBe('time');
  });
});
