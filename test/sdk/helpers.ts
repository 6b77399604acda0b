import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { SeriesSummary, Store } from '../../src/store/store.js';

/** A fresh store folder in the temp directory. */
export function tempStoreDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-sdk-'));
}

/** Opens the store in `dir` on its own connection, as another process would see it. */
export function reopen(dir: string): Store {
  return openStore(dir, {});
}

/** A series' points as plain arrays (absent steps and epochs are NaN). */
export async function readSeries(store: Store, series: SeriesSummary): Promise<{ time: number[]; step: number[]; epoch: number[]; value: number[] }> {
  const out = { time: [] as number[], step: [] as number[], epoch: [] as number[], value: [] as number[] };
  for await (const batch of store.readPoints(series.id)) {
    out.time.push(...batch.time);
    out.step.push(...batch.step);
    out.epoch.push(...batch.epoch);
    out.value.push(...batch.value);
  }
  return out;
}

/** The series of a run with this name (and context, when given); fails the test when there is none. */
export async function findSeries(store: Store, runId: string, name: string, context?: string): Promise<SeriesSummary> {
  const all = await store.listSeries(runId);
  const found = all.find((s) => s.name === name && (context === undefined || s.context === context));
  if (found === undefined)
    throw new Error(`no series ${name} (${context ?? 'any context'}) in run ${runId}; have ${all.map((s) => `${s.name}/${s.context}`).join(', ')}`);
  return found;
}
