import { describe, expect, it } from 'vitest';
import type { CompareResponse } from '../../web/src/api.js';
import { groupChoices, groupRuns, groupSeries } from '../../web/src/pages/compare/groups.js';

/** Four runs of an lr sweep, two batch sizes, one tagged `baseline`. */
const comparison = {
  runs: [0.1, 0.1, 0.01, 0.001].map((lr, i) => ({
    id: `r${i}`,
    name: 'train.py',
    status: 'succeeded',
    tags: i === 3 ? ['sweep', 'baseline'] : ['sweep'],
    startTime: 0,
    label: `lr=${lr}`,
  })),
  missing: [],
  params: {
    differing: ['bs', 'lr'],
    same: ['optimizer'],
    values: { bs: [64, 128, 64, null], lr: [0.1, 0.1, 0.01, 0.001], optimizer: ['sgd', 'sgd', 'sgd', 'sgd'] },
  },
  metrics: [],
} satisfies CompareResponse;

describe('grouping compared runs', () => {
  it('offers the differing params, then the tags that split the runs, then the params they share', () => {
    expect(groupChoices(comparison).map((c) => c.key)).toEqual(['param:bs', 'param:lr', 'tag:baseline', 'param:optimizer']);
  });

  it('groups by a param value in numeric order, a run without it in its own group, and by a tag', () => {
    expect(groupRuns(comparison, 'param:lr')).toEqual([
      { label: 'lr=0.001', runs: [3] },
      { label: 'lr=0.01', runs: [2] },
      { label: 'lr=0.1', runs: [0, 1] },
    ]);
    expect(groupRuns(comparison, 'param:bs').map((g) => g.label)).toEqual(['bs=64', 'bs=128', 'bs=—']);
    expect(groupRuns(comparison, 'tag:baseline')).toEqual([
      { label: 'tag baseline', runs: [3] },
      { label: 'not tag baseline', runs: [0, 1, 2] },
    ]);
  });

  it('aligns runs on step: the mean and min–max of the runs covering each step, interpolating between logged steps', () => {
    const groups = [{ label: 'a', runs: [0, 1] }];
    const series = groupSeries(groups, [
      { xs: [0, 10, 20], values: [1, 2, 3] },
      // Logged every 5 steps, and stopped at 15: it does not count at step 20.
      { xs: [0, 5, 15], values: [3, 4, 6] },
    ]);
    expect(series.xs).toEqual([0, 5, 10, 15, 20]);
    const group = series.groups[0];
    // At 5 the first run is interpolated (1.5); at 10 the second (5); at 15 the first (2.5); at 20 only the first.
    expect(group?.mean).toEqual([2, 2.75, 3.5, 4.25, 3]);
    expect(group?.min).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(group?.max).toEqual([3, 4, 5, 6, 3]);
    expect(group?.count).toEqual([2, 2, 2, 2, 1]);
  });

  it('leaves a gap where no run of a group has a value, and skips NaN rather than averaging it', () => {
    const series = groupSeries(
      [
        { label: 'a', runs: [0] },
        { label: 'b', runs: [1, 2] },
      ],
      [{ xs: [0, 1], values: [1, 1] }, { xs: [2, 3], values: [5, Number.NaN] }, undefined],
    );
    expect(series.xs).toEqual([0, 1, 2, 3]);
    expect(series.groups[0]?.mean).toEqual([1, 1, null, null]);
    expect(series.groups[1]?.mean).toEqual([null, null, 5, null]);
    expect(series.groups[1]?.count).toEqual([0, 0, 1, 0]);
  });
});
