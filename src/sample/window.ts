import type { SeriesPoint } from '../model/point.js';
import { kindFromName } from '../model/series.js';
import { type Aggregation, aggregationOf, minimumMaxWindowMs, type SampleValue } from './reading.js';

interface Tally {
  name: string;
  device: string | undefined;
  aggregation: Aggregation;
  /** Σ value × ms covered. */
  integral: number;
  /** ms covered by readings that had this series. */
  covered: number;
  max: number;
  last: number;
  /** Every reading in the window had the same value (its mean is then that value, exactly). */
  constant: boolean;
  /** Readings that had this series since the window opened; 0 means the series is absent from it. */
  count: number;
}

/** A value of a window, ready for a report or a sinceLastCall() record. */
export interface WindowValue extends SampleValue {
  /** When the reading was taken (ms, the sampler's monotonic clock): only events carry it, the others stand at the window's end. */
  atMs?: number;
}

/**
 * The readings of one window (a report's, or a sinceLastCall() consumer's) from its start to its end. Each reading covers the time
 * since the reading before it, and counts in the window's values by that time: means are time-weighted, and a rate times the
 * window's length is the amount in the window (CPU seconds, bytes) exactly.
 */
export class WindowTally {
  private readonly tallies = new Map<string, Tally>();
  private events: WindowValue[] = [];

  constructor(
    /** When the window opened (ms, monotonic). */
    public startMs: number,
  ) {}

  /** Adds one reading that covers `coveredMs` up to `atMs`. */
  add(values: readonly SampleValue[], coveredMs: number, atMs: number): void {
    for (const value of values) {
      const key = value.device === undefined ? value.name : `${value.name}\u001f${value.device}`;
      let tally = this.tallies.get(key);
      if (tally === undefined) {
        tally = {
          name: value.name,
          device: value.device,
          aggregation: aggregationOf(value.name),
          integral: 0,
          covered: 0,
          max: 0,
          last: 0,
          constant: true,
          count: 0,
        };
        this.tallies.set(key, tally);
      }
      if (tally.aggregation === 'event') {
        this.events.push({ ...value, atMs });
        continue;
      }
      if (!Number.isFinite(value.value)) continue;
      tally.integral += value.value * coveredMs;
      tally.covered += coveredMs;
      if (coveredMs >= minimumMaxWindowMs || tally.count === 0) tally.max = tally.count === 0 ? value.value : Math.max(tally.max, value.value);
      tally.constant = tally.count === 0 || (tally.constant && value.value === tally.last);
      tally.last = value.value;
      tally.count += 1;
    }
  }

  /** A tally holding the same readings so far: a new consumer's first window, from the same start. */
  copy(): WindowTally {
    const copy = new WindowTally(this.startMs);
    for (const [key, tally] of this.tallies) copy.tallies.set(key, { ...tally });
    copy.events = [...this.events];
    return copy;
  }

  /** The window's values up to `endMs`, and a new window from there. */
  close(endMs: number): WindowValue[] {
    const length = endMs - this.startMs;
    const values: WindowValue[] = [...this.events];
    this.events = [];
    for (const tally of this.tallies.values()) {
      if (tally.count === 0) continue;
      const { name, aggregation } = tally;
      const device = tally.device === undefined ? {} : { device: tally.device };
      let value: number;
      if (aggregation === 'last') value = tally.last;
      else if (tally.covered === 0 || (tally.constant && aggregation !== 'rate' && aggregation !== 'rateAndMax')) value = tally.last;
      else if (aggregation === 'rate' || aggregation === 'rateAndMax') value = tally.integral / Math.max(length, tally.covered);
      else value = tally.integral / tally.covered;
      values.push({ name, value, ...device });
      // Readings shorter than the minimum don't set the max; the window's own mean bounds it from below.
      if (aggregation === 'meanAndMax' || aggregation === 'rateAndMax') values.push({ name: `${name}_max`, value: Math.max(tally.max, value), ...device });
      tally.integral = 0;
      tally.covered = 0;
      tally.count = 0;
    }
    this.startMs = endMs;
    return values;
  }
}

/** Window values as points: events at their own time, the others at the window's end (`toEpoch` turns monotonic ms into epoch ms). */
export function toSeriesPoints(values: readonly WindowValue[], endTime: number, toEpoch: (ms: number) => number): SeriesPoint[] {
  return values.map(({ name, device, value, atMs }) => ({
    series: { name, kind: kindFromName(name), ...(device === undefined ? {} : { device }), ...unitOf(name) },
    time: atMs === undefined ? endTime : Math.round(toEpoch(atMs)),
    value,
  }));
}

const units: [suffix: string, unit: string][] = [
  ['_percent', '%'],
  ['_percent_max', '%'],
  ['_bytes_per_s', 'B/s'],
  ['_bytes', 'B'],
  ['_watts', 'W'],
  ['_celsius', '°C'],
  ['_joules', 'J'],
  ['_cores', 'cores'],
];

/** The unit a sampled series' name ends with, as the series key's `unit` label. */
function unitOf(name: string): { unit?: string } {
  const base = name.endsWith('_max') ? name.slice(0, -4) : name;
  for (const [suffix, unit] of units) if (base.endsWith(suffix)) return { unit };
  return {};
}

/** Window values by name, for `sinceLastCall()`; a labelled disk series is keyed `name (path)`. */
export function toRecord(values: readonly WindowValue[]): Record<string, number> {
  const record: Record<string, number> = {};
  for (const { name, device, value } of values) {
    // GPU names already hold their index; their device label (the UUID) would only clutter the key.
    const key = device === undefined || name.startsWith('gpu/') ? name : `${name} (${device})`;
    record[key] = value;
  }
  return record;
}
