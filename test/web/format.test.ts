import { describe, expect, it } from 'vitest';
import { formatCommand, formatDuration, formatElapsed, formatNumber, formatTicks, formatUnit } from '../../web/src/format.js';

describe('dashboard formatting', () => {
  it('writes metric values exactly enough, NaN and infinities included', () => {
    expect(formatNumber(0.231_456)).toBe('0.2315');
    expect(formatNumber(12_345)).toBe('12,345');
    expect(formatNumber(1.25e-5)).toBe('1.25e-5');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });

  it('scales units, with one prefix for a whole axis', () => {
    expect(formatUnit(1536 * 1024 ** 2, 'bytes')).toBe('1.5 GiB');
    expect(formatUnit(42.123, 'percent')).toBe('42.1%');
    expect(formatTicks([0, 512 * 1024 ** 2, 1024 ** 3, 1.5 * 1024 ** 3], 'bytes')).toEqual(['0', '0.5 GiB', '1 GiB', '1.5 GiB']);
    expect(formatTicks([0, 2e12, 4e12], 'flops')).toEqual(['0', '2 TFLOP', '4 TFLOP']);
  });

  it('writes durations and elapsed time for people', () => {
    expect(formatDuration(3_725_000)).toBe('1h 02m');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatElapsed(90)).toBe('1m 30s');
    expect(formatElapsed(7200)).toBe('2h');
  });

  it('quotes command arguments that need it', () => {
    expect(formatCommand(['python', 'train.py', '--name', 'my run', "it's"])).toBe(`python train.py --name 'my run' 'it'\\''s'`);
  });
});
