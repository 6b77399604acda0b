import { describe, expect, it } from 'vitest';
import { formatBytes, formatSeriesValue } from '../../src/model/format.js';

describe('values for people', () => {
  it('shows bytes, rates, percents and durations in their units, plain numbers otherwise', () => {
    expect(formatSeriesValue({ name: 'job/memory_rss_bytes' }, 2.629e8)).toBe('250.7 MB');
    expect(formatSeriesValue({ name: 'system/network_rx_bytes_per_s' }, 1536)).toBe('1.5 KB/s');
    expect(formatSeriesValue({ name: 'system/cpu_percent_max' }, 87.5)).toBe('87.5%');
    expect(formatSeriesValue({ name: 'epoch_time', unit: 's' }, 245)).toBe('4m05s');
    expect(formatSeriesValue({ name: 'step_time', unit: 'ms' }, 850)).toBe('850ms');
    expect(formatSeriesValue({ name: 'loss' }, 0.123456)).toBe('0.1235');
    expect(formatSeriesValue({ name: 'gpu/0/memory_used_bytes' }, Number.NaN)).toBe('NaN');
    expect(formatSeriesValue({ name: 'loss' }, null)).toBe('-');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('inf');
  });
});
