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

/** A time in ms as ISO 8601 (UTC, ms precision); times outside Date's range come out as the number. */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
