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

describe('run --model series on the run page', () => {
  it('puts MFU on the GPU utilization chart and achieved TFLOP/s beside it, in the system section', () => {
    const utilization = placeSeries({ name: 'gpu/0/utilization_percent', kind: 'gpu' });
    const mfu = placeSeries({ name: 'perf/mfu_percent', kind: 'flops', unit: '%' });
    const achieved = placeSeries({ name: 'perf/achieved_tflops', kind: 'flops', unit: 'TFLOP/s' });
    expect(mfu).toMatchObject({ key: utilization.key, unit: utilization.unit, section: 'system', label: 'MFU (model FLOPs / peak)' });
    expect(achieved).toMatchObject({ title: 'Achieved TFLOP/s', section: 'system' });
    expect(achieved.order).toBeGreaterThan(utilization.order);
    expect(achieved.order).toBeLessThan(placeSeries({ name: 'gpu/0/memory_used_bytes', kind: 'gpu' }).order);
    // The FLOPs per batch stay in the FLOPs section.
    expect(placeSeries({ name: 'flops/net/batch', kind: 'flops', context: 'training' }).section).toBe('flops');
  });
});
