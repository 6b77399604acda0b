import type { Summary } from './chunk-codec.js';
import type { SeriesData, XAxis } from './store.js';

/** The x range of a summary on an axis: [first, last]. NaN when the axis is absent. */
export function summaryRange(summary: Summary, axis: XAxis): [number, number] {
  if (axis === 'time') return [summary.t0, summary.t1];
  if (axis === 'step') return [summary.s0, summary.s1];
  return [summary.e0, summary.e1];
}

/** True when a summary's x range meets [from, to]. */
export function overlaps(summary: Summary, axis: XAxis, from: number, to: number): boolean {
  const [lo, hi] = summaryRange(summary, axis);
  return !Number.isNaN(lo) && hi >= from && lo <= to;
}

/**
 * Merges units (points or summaries, in series order) into at most `buckets` equal-width x buckets over [from, to].
 * Each unit falls in the bucket of its last x. A bucket keeps the min and max of its units and the last value of the
 * last one to arrive, so a spike inside any unit survives as the bucket's min or max. In exact mode every unit is
 * its own bucket. The result is sorted by x even when x goes back (a step counter that restarts).
 */
export class BucketBuilder {
  private readonly width: number;
  private readonly slots: Float64Array;
  private readonly counts: Float64Array;
  private readonly exactUnits: number[][] = [];
  private total = 0;

  constructor(
    private readonly seriesId: number,
    private readonly axis: XAxis,
    private readonly resolution: SeriesData['resolution'],
    private readonly from: number,
    private readonly to: number,
    private readonly buckets: number,
    private readonly exact: boolean,
  ) {
    this.width = to > from ? (to - from) / buckets : 1;
    // Per slot: x, min, max, last.
    this.slots = new Float64Array(exact ? 0 : buckets * 4);
    this.counts = new Float64Array(exact ? 0 : buckets);
  }

  /** Adds a unit of `n` points whose last x is `x`. */
  add(x: number, n: number, min: number, max: number, last: number): void {
    if (Number.isNaN(x) || x < this.from || x > this.to) return;
    this.total += n;
    if (this.exact) {
      this.exactUnits.push([x, min, max, last, n]);
      return;
    }
    const b = Math.min(this.buckets - 1, Math.floor((x - this.from) / this.width));
    const s = b * 4;
    const slots = this.slots;
    if (this.counts[b] === 0) {
      slots[s] = x;
      slots[s + 1] = min;
      slots[s + 2] = max;
    } else {
      if (!Number.isNaN(min) && !((slots[s + 1] as number) <= min)) slots[s + 1] = min;
      if (!Number.isNaN(max) && !((slots[s + 2] as number) >= max)) slots[s + 2] = max;
      slots[s] = x;
    }
    slots[s + 3] = last;
    this.counts[b] = (this.counts[b] as number) + n;
  }

  result(): SeriesData {
    const data: SeriesData = {
      seriesId: this.seriesId,
      x: this.axis,
      resolution: this.resolution,
      total: this.total,
      xs: [],
      min: [],
      max: [],
      last: [],
      count: [],
    };
    if (this.exact) {
      const units = this.exactUnits;
      let sorted = true;
      for (let i = 1; i < units.length && sorted; i++) sorted = (units[i - 1]?.[0] as number) <= (units[i]?.[0] as number);
      if (!sorted) units.sort((a, b) => (a[0] as number) - (b[0] as number));
      for (const [x, min, max, last, n] of units) {
        data.xs.push(x as number);
        data.min.push(min as number);
        data.max.push(max as number);
        data.last.push(last as number);
        data.count.push(n as number);
      }
      return data;
    }
    for (let b = 0; b < this.buckets; b++) {
      const n = this.counts[b] as number;
      if (n === 0) continue;
      data.xs.push(this.slots[b * 4] as number);
      data.min.push(this.slots[b * 4 + 1] as number);
      data.max.push(this.slots[b * 4 + 2] as number);
      data.last.push(this.slots[b * 4 + 3] as number);
      data.count.push(n);
    }
    return data;
  }
}
