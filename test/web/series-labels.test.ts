import { describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../src/model/series.js';
import { placeSeries } from '../../src/server/charts.js';
import { meanLabel } from '../../web/src/series-labels.js';

const label = (key: SeriesKey) => placeSeries(key).label;

describe('legend labels on the run page', () => {
  it.each<[SeriesKey, SeriesKey]>([
    [
      { name: 'system/cpu_percent_max', kind: 'system' },
      { name: 'system/cpu_percent', kind: 'system' },
    ],
    [
      { name: 'system/cpu_percent_max', kind: 'system', context: 'training' },
      { name: 'system/cpu_percent', kind: 'system', context: 'training' },
    ],
    [
      { name: 'gpu/0/utilization_percent_max', kind: 'gpu', context: 'validation' },
      { name: 'gpu/0/utilization_percent', kind: 'gpu', context: 'validation' },
    ],
    [
      { name: 'job/cpu_percent_max', kind: 'job', rank: 1 },
      { name: 'job/cpu_percent', kind: 'job', rank: 1 },
    ],
    [
      { name: 'system/cpu_percent_max', kind: 'system', node: 'gpu07' },
      { name: 'system/cpu_percent', kind: 'system', node: 'gpu07' },
    ],
    [
      { name: 'system/memory_percent_max', kind: 'system', node: 'max' },
      { name: 'system/memory_percent', kind: 'system', node: 'max' },
    ],
  ])('draws the max series %j in the colour of its mean %j', (max, mean) => {
    expect(label(max)).not.toBe(label(mean));
    expect(meanLabel(label(max))).toBe(label(mean));
  });

  it('leaves the labels of means alone, with or without a context', () => {
    for (const key of [
      { name: 'system/cpu_percent', kind: 'system' },
      { name: 'system/cpu_percent', kind: 'system', context: 'training' },
      { name: 'job/memory_rss_bytes', kind: 'job', context: 'max' },
    ] as SeriesKey[]) {
      expect(meanLabel(label(key))).toBe(label(key));
    }
  });
});

describe('a joined run (run --join) on the run page', () => {
  it("draws each node's system metrics on one chart, as lines labelled with the node", () => {
    const [a, b] = ['a', 'b'].map((node) => placeSeries({ name: 'system/cpu_percent', kind: 'system', node }));
    expect(a?.key).toBe(b?.key);
    expect([a?.label, b?.label]).toEqual(['machine (a)', 'machine (b)']);
    const rank = placeSeries({ name: 'loss', kind: 'training', rank: 1, node: 'b' });
    expect(rank.label).toBe('loss (rank 1, b)');
  });
});

describe('FLOPs throughput on the run page', () => {
  it('draws MFU on the GPU utilization chart, and achieved TFLOP/s beside it in the system section', () => {
    const gpu = placeSeries({ name: 'gpu/0/utilization_percent', kind: 'gpu' });
    const mfu = placeSeries({ name: 'perf/mfu_percent', kind: 'flops', context: 'training' });
    const achieved = placeSeries({ name: 'perf/achieved_tflops', kind: 'flops', context: 'training' });
    expect(mfu).toMatchObject({ key: gpu.key, section: 'system', unit: 'percent', label: 'MFU' });
    expect(achieved).toMatchObject({ section: 'system', title: 'Achieved TFLOP/s' });
    expect(achieved.order).toBeLessThan(gpu.order);
  });
});
