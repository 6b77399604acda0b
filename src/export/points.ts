import { RunmeterError } from '../model/errors.js';
import type { Run } from '../model/run.js';
import type { IndexedPoints, SeriesSummary, Store } from '../store/store.js';

/** A batch of one series' points, as the store reads them (about 4096 at a time). */
export interface SeriesBatch {
  series: SeriesSummary;
  points: IndexedPoints;
}

/** The run with this id, or a RunmeterError naming the store. */
export async function runById(store: Store, runId: string): Promise<Run> {
  const run = await store.getRun(runId);
  if (run === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${runId} in ${store.location}`);
  return run;
}

/** Every point of a run, series after series, a stored batch at a time: the whole run is never in memory. */
export async function* runPoints(store: Store, runId: string): AsyncIterable<SeriesBatch> {
  for (const series of await store.listSeries(runId)) {
    for await (const points of store.readPoints(series.id)) yield { series, points };
  }
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * A time in ms as ISO 8601 (UTC, ms precision, as Date#toISOString writes it); times outside Date's range come out as
 * the number. Consecutive points mostly share their second, so its text is reused: toISOString is the slowest part of
 * an export otherwise.
 */
export function isoTime(ms: number): string {
  // Date's range: ±8.64e15 ms around the epoch (NaN fails this test too).
  if (!(Math.abs(ms) <= 8.64e15)) return String(ms);
  // Date drops a fraction of a ms toward zero, before splitting off the second.
  const whole = Math.trunc(ms);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    // Years outside 0000-9999 are written with a sign and six digits: leave those to toISOString every time.
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const milli = whole - second * 1000;
  return `${cachedPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
