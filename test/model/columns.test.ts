import { describe, expect, it } from 'vitest';
import { ColumnsBuilder, columnsOf, pointsOf } from '../../src/model/columns.js';
import type { SeriesPoint } from '../../src/model/point.js';

describe('series columns', () => {
  it('grow past their first capacity and start over empty, with room for as many, once taken', () => {
    const builder = new ColumnsBuilder({ name: 'loss', kind: 'training' }, 2);
    for (let i = 0; i < 5; i++) builder.add(100 + i, i % 2 ? undefined : i, undefined, i / 2);
    const taken = builder.take();
    expect(taken.n).toBe(5);
    expect([...taken.time]).toEqual([100, 101, 102, 103, 104]);
    expect([...taken.step]).toEqual([0, Number.NaN, 2, Number.NaN, 4]);
    expect(taken.epoch.every(Number.isNaN)).toBe(true);
    expect(builder.n).toBe(0);
    builder.add(200, 7, 1, -1);
    expect([...builder.take().value]).toEqual([-1]);
    // What was taken is not overwritten by later points.
    expect([...taken.value]).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it('group points by series, equal keys in different objects together, in order, and give them back', () => {
    const points: SeriesPoint[] = [
      { series: { name: 'loss', kind: 'training' }, time: 1, value: 1, step: 1 },
      { series: { name: 'acc', kind: 'training' }, time: 1, value: 0.5, epoch: 2 },
      { series: { name: 'loss', kind: 'training' }, time: 2, value: Number.NaN, step: 2 },
      { series: { name: 'loss', kind: 'training', rank: 1 }, time: 3, value: 3 },
    ];
    const batches = columnsOf(points);
    expect(batches.map((b) => [b.series.name, b.series.rank, b.n])).toEqual([
      ['loss', undefined, 2],
      ['acc', undefined, 1],
      ['loss', 1, 1],
    ]);
    const back = pointsOf(batches);
    expect(back).toEqual([points[0], points[2], points[1], points[3]]);
  });
});
