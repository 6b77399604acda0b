import type { SeriesPoint } from '../model/point.js';
import { kindFromName } from '../model/series.js';
import { aggregationOf, type SampleValue } from './reading.js';

interface Tally {
  name: string;
  device?: string;
  sum: number;
  count: number;
  max: number;
  last: number;
}

/**
 * Gathers readings between two reports and turns them into one value per series: the mean, and for utilizations the max.
 * Series picked by `carriesOver` (the job's) that stop arriving are given, once, their last values in the next report:
 * the job's last reading may have gone into the report just before it exited, and the final report must still have it.
 */
export class SeriesAccumulator {
  private tallies = new Map<string, Tally>();
  private readonly lastCarried = new Map<string, SampleValue>();
  private carriedSinceFlush = false;

  constructor(private readonly carriesOver: (name: string) => boolean = () => false) {}

  /** Whether no reading has been added since the last flush. */
  get empty(): boolean {
    return this.tallies.size === 0;
  }

  /** Adds one reading. */
  add(values: SampleValue[]): void {
    for (const value of values) {
      if (!Number.isFinite(value.value)) continue;
      const key = value.device === undefined ? value.name : `${value.name}\u001f${value.device}`;
      if (this.carriesOver(value.name)) {
        this.lastCarried.set(key, value);
        this.carriedSinceFlush = true;
      }
      this.count(key, value);
    }
  }

  /** The aggregated values since the last flush, and starts over. */
  flush(): SampleValue[] {
    if (!this.carriedSinceFlush) {
      for (const [key, value] of this.lastCarried) this.count(key, value);
      this.lastCarried.clear();
    }
    this.carriedSinceFlush = false;
    const values: SampleValue[] = [];
    for (const tally of this.tallies.values()) {
      const device = tally.device === undefined ? {} : { device: tally.device };
      const aggregation = aggregationOf(tally.name);
      values.push({ name: tally.name, value: aggregation === 'last' ? tally.last : tally.sum / tally.count, ...device });
      if (aggregation === 'meanAndMax') values.push({ name: `${tally.name}_max`, value: tally.max, ...device });
    }
    this.tallies.clear();
    return values;
  }

  private count(key: string, { name, device, value }: SampleValue): void {
    const tally = this.tallies.get(key);
    if (tally === undefined) {
      this.tallies.set(key, { name, ...(device === undefined ? {} : { device }), sum: value, count: 1, max: value, last: value });
      return;
    }
    tally.sum += value;
    tally.count += 1;
    tally.max = Math.max(tally.max, value);
    tally.last = value;
  }
}

/** Aggregated values as points at `time`, each series' kind taken from its name. */
export function toSeriesPoints(values: SampleValue[], time: number): SeriesPoint[] {
  return values.map(({ name, device, value }) => ({
    series: { name, kind: kindFromName(name), ...(device === undefined ? {} : { device }) },
    time,
    value,
  }));
}

/** Aggregated values by name, for `sinceLastCall()`; a labelled disk series is keyed `name (path)`. */
export function toRecord(values: SampleValue[]): Record<string, number> {
  const record: Record<string, number> = {};
  for (const { name, device, value } of values) {
    // GPU names already hold their index; their device label (the UUID) would only clutter the key.
    const key = device === undefined || name.startsWith('gpu/') ? name : `${name} (${device})`;
    record[key] = value;
  }
  return record;
}
