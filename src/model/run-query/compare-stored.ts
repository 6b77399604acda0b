// Reading the runs a comparison names from a store, shared by `runmeter compare` and GET /api/v1/compare.
import { RunmeterError } from '../errors.js';
import type { Run } from '../run.js';
import { type Comparison, compareRuns } from './compare.js';
import { runRecord, type SeriesStatSource } from './record.js';

/** What a comparison reads from a store (the Store interface fits). */
export interface ComparisonSource {
  resolveRun(ref: string): Promise<Run>;
  listSeriesOfRuns(runIds: readonly string[], kinds?: readonly 'training'[]): Promise<ReadonlyArray<SeriesStatSource & { runId: string }>>;
}

/** A ref that named no run, and why (the store's message: the closest names, or the runs it could be). */
export interface MissingRun {
  ref: string;
  message: string;
}

/**
 * Reads the runs that refs name and compares them. A ref that names no run (or several) is left out and reported
 * in `missing`, so one typo never hides the others; a run named twice is compared once.
 */
export async function compareStoredRuns(source: ComparisonSource, refs: readonly string[]): Promise<{ comparison: Comparison; missing: MissingRun[] }> {
  const runs: Run[] = [];
  const missing: MissingRun[] = [];
  for (const ref of refs) {
    try {
      const run = await source.resolveRun(ref);
      if (!runs.some((r) => r.id === run.id)) runs.push(run);
    } catch (error) {
      if (!(error instanceof RunmeterError) || (error.code !== 'E_RUN_NOT_FOUND' && error.code !== 'E_RUN_AMBIGUOUS')) throw error;
      missing.push({ ref, message: error.message });
    }
  }
  const series =
    runs.length === 0
      ? []
      : await source.listSeriesOfRuns(
          runs.map((r) => r.id),
          ['training'],
        );
  const now = Date.now();
  const records = runs.map((run) =>
    runRecord(
      run,
      series.filter((s) => s.runId === run.id),
      now,
    ),
  );
  return { comparison: compareRuns(records), missing };
}
