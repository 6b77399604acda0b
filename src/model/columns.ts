import type { SeriesPoint } from './point.js';
import { type SeriesKey, seriesKeyString } from './series.js';

/**
 * Points of one series as columns: what a producer of many points hands the store, with no object per point.
 * Absent steps and epochs are NaN. Only the first `n` entries of each column count.
 */
export interface SeriesColumns {
  series: SeriesKey;
  n: number;
  time: Float64Array;
  step: Float64Array;
  epoch: Float64Array;
  value: Float64Array;
}

const NONE = new Float64Array(0);

/** Collects the points of one series into columns that grow as needed. */
export class ColumnsBuilder implements SeriesColumns {
  n = 0;
  time = NONE;
  step = NONE;
  epoch = NONE;
  value = NONE;

  constructor(
    readonly series: SeriesKey,
    /** How many points to make room for at first. */
    private capacity = 16,
  ) {}

  add(time: number, step: number | undefined, epoch: number | undefined, value: number): void {
    if (this.n === this.value.length) this.grow();
    const i = this.n++;
    this.time[i] = time;
    this.step[i] = step ?? Number.NaN;
    this.epoch[i] = epoch ?? Number.NaN;
    this.value[i] = value;
  }

  /** The points so far, as columns the builder lets go of; it starts over empty, with room for as many. */
  take(): SeriesColumns {
    const n = this.n;
    const taken: SeriesColumns = {
      series: this.series,
      n,
      time: this.time.subarray(0, n),
      step: this.step.subarray(0, n),
      epoch: this.epoch.subarray(0, n),
      value: this.value.subarray(0, n),
    };
    this.n = 0;
    this.capacity = Math.max(16, n);
    this.time = this.step = this.epoch = this.value = NONE;
    return taken;
  }

  private grow(): void {
    const capacity = Math.max(this.capacity, this.value.length * 2);
    const bigger = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this.n));
      return next;
    };
    this.time = bigger(this.time);
    this.step = bigger(this.step);
    this.epoch = bigger(this.epoch);
    this.value = bigger(this.value);
  }
}

/** Groups points by series (equal keys in different objects are one series), in order within each series. */
export function columnsOf(points: readonly SeriesPoint[]): SeriesColumns[] {
  const byKey = new Map<string, ColumnsBuilder>();
  const byObject = new Map<SeriesKey, ColumnsBuilder>();
  let lastSeries: SeriesKey | undefined;
  let last: ColumnsBuilder | undefined;
  for (const point of points) {
    if (point.series !== lastSeries || last === undefined) {
      last = byObject.get(point.series);
      if (last === undefined) {
        const key = seriesKeyString(point.series);
        last = byKey.get(key);
        if (last === undefined) {
          last = new ColumnsBuilder(point.series, Math.min(1024, points.length));
          byKey.set(key, last);
        }
        byObject.set(point.series, last);
      }
      lastSeries = point.series;
    }
    last.add(point.time, point.step, point.epoch, point.value);
  }
  return [...byKey.values()];
}

/** The points of some columns, one object each (for the fallback file, which is written one point per line). */
export function pointsOf(batches: readonly SeriesColumns[]): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const c of batches) {
    for (let i = 0; i < c.n; i++) {
      const point: SeriesPoint = { series: c.series, time: c.time[i] as number, value: c.value[i] as number };
      if (!Number.isNaN(c.step[i] as number)) point.step = c.step[i] as number;
      if (!Number.isNaN(c.epoch[i] as number)) point.epoch = c.epoch[i] as number;
      points.push(point);
    }
  }
  return points;
}
