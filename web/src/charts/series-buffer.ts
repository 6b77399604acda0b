import type { PointsView, SeriesDataResponse, XMode } from '../api.js';
import { decodeValue } from '../format.js';

/** The axis the server is asked for: relative time is time. */
export const queryAxis = (mode: XMode): 'time' | 'step' | 'epoch' => (mode === 'relative' ? 'time' : mode);

/** Converts the server's x (ms, step or epoch) to the chart's: seconds for time, seconds since start for relative. */
export function displayX(mode: XMode, startTime: number): (x: number) => number {
  if (mode === 'time') return (x) => x / 1000;
  if (mode === 'relative') return (x) => (x - startTime) / 1000;
  return (x) => x;
}

/** The inverse of `displayX`. */
export function serverX(mode: XMode, startTime: number): (x: number) => number {
  if (mode === 'time') return (x) => x * 1000;
  if (mode === 'relative') return (x) => x * 1000 + startTime;
  return (x) => x;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * One line's data on a chart, in the chart's x units: buckets from the server (last value with its min and max),
 * then the raw points the live stream appended.
 */
export class SeriesBuffer {
  xs: number[] = [];
  /** Values as recorded, NaN and ±Infinity included, for the hover readout. */
  values: number[] = [];
  mins: number[] = [];
  maxs: number[] = [];
  /** Points per bucket (1 for raw points). */
  counts: number[] = [];
  /** How many of the series' points this buffer has seen: live points are read on from here. */
  seen = 0;
  resolution: SeriesDataResponse['resolution'] = 'raw';

  constructor(
    private readonly mode: XMode,
    private readonly startTime: number,
  ) {}

  /** Replaces the buffer with a query's buckets. */
  setData(data: SeriesDataResponse): void {
    const toX = displayX(this.mode, this.startTime);
    this.xs = data.xs.map(toX);
    this.values = data.last.map(decodeValue);
    this.mins = data.min.map(decodeValue);
    this.maxs = data.max.map(decodeValue);
    this.counts = data.count.slice();
    this.seen = data.seriesCount;
    this.resolution = data.resolution;
  }

  /**
   * Appends live points. Returns `gap` when points before them are missing (the caller reads from `seen`),
   * `unordered` when they go back on the x axis (the caller queries again), else `ok`.
   */
  append(points: PointsView): 'ok' | 'gap' | 'unordered' {
    if (points.start > this.seen) return 'gap';
    const skip = this.seen - points.start;
    const column = this.mode === 'step' ? points.step : this.mode === 'epoch' ? points.epoch : points.time;
    const toX = displayX(this.mode, this.startTime);
    let lastX = this.xs.length > 0 ? (this.xs[this.xs.length - 1] as number) : Number.NEGATIVE_INFINITY;
    for (let i = skip; i < points.value.length; i++) {
      const raw = column[i];
      this.seen++;
      if (raw === null || raw === undefined) continue; // no step (or epoch) on this point: not on this axis
      const x = toX(raw);
      if (x < lastX) return 'unordered';
      const value = decodeValue(points.value[i]);
      this.xs.push(x);
      this.values.push(value);
      this.mins.push(value);
      this.maxs.push(value);
      this.counts.push(1);
      lastX = x;
    }
    return 'ok';
  }

  /** Columns for uPlot: x, last, min, max, with non-finite values as gaps. */
  columns(): [number[], Array<number | null>, Array<number | null>, Array<number | null>] {
    return [this.xs, this.values.map(finiteOrNull), this.mins.map(finiteOrNull), this.maxs.map(finiteOrNull)];
  }

  /**
   * The index of the point shown at `x`: the nearest, but only where the line has points. A run that finished at
   * step 200 shows nothing at step 500, rather than its last value.
   */
  indexAt(x: number): number {
    const xs = this.xs;
    if (xs.length === 0) return -1;
    const first = xs[0] as number;
    const last = xs[xs.length - 1] as number;
    // Half a mean gap of slack at the ends, so a cursor just beside the first or last point still reads it.
    const slack = xs.length > 1 ? (last - first) / (xs.length - 1) / 2 : 0;
    if (x < first - slack || x > last + slack) return -1;
    return this.nearest(x);
  }

  /** The index of the point nearest to `x`, or -1 when empty. */
  nearest(x: number): number {
    const xs = this.xs;
    if (xs.length === 0) return -1;
    let lo = 0;
    let hi = xs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((xs[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs((xs[lo - 1] as number) - x) <= Math.abs((xs[lo] as number) - x)) return lo - 1;
    return lo;
  }
}

/**
 * Exponential moving average, debiased like TensorBoard's so the line starts at the data, not at zero.
 * Gaps (non-finite values) stay gaps and do not reset the average.
 */
export function ema(values: ReadonlyArray<number | null>, weight: number): Array<number | null> {
  const out: Array<number | null> = new Array(values.length);
  let average = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    average = average * weight + (1 - weight) * v;
    n++;
    out[i] = average / (1 - weight ** n);
  }
  return out;
}
