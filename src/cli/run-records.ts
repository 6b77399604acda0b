import { UsageError } from '../model/errors.js';
import type { Run } from '../model/run.js';
import {
  compileFilter,
  type Field,
  type FieldSchema,
  FilterError,
  parseColumns,
  parseSortKey,
  type RunRecord,
  runRecord,
  type SortKey,
  UnknownFieldError,
} from '../model/run-query/index.js';
import type { RunFilter, SeriesSummary, Store } from '../store/store.js';

/** A run as the table language sees it, with the stored run and its training series beside it. */
export type LoadedRun = RunRecord & { run: Run; series: SeriesSummary[] };

/** Reads runs and their training metrics' summaries (a few queries for any number of runs). */
export async function loadRuns(store: Store, filter: RunFilter, now = Date.now()): Promise<LoadedRun[]> {
  const runs = await store.listRuns(filter);
  const series = await store.listSeriesOfRuns(
    runs.map((r) => r.id),
    ['training'],
  );
  const byRun = new Map<string, SeriesSummary[]>();
  for (const s of series) byRun.set(s.runId, [...(byRun.get(s.runId) ?? []), s]);
  return runs.map((run) => {
    const own = byRun.get(run.id) ?? [];
    return Object.assign(runRecord(run, own, now), { run, series: own });
  });
}

/** A FilterError as a usage error for a flag: the message, then the expression with a caret under the place. */
export function filterUsageError(flag: string, expression: string, error: FilterError): UsageError {
  const caret = `${' '.repeat(error.position)}${'^'.repeat(Math.max(1, Math.min(error.length, expression.length - error.position)))}`;
  return new UsageError(`${flag}: ${error.message}\n  ${expression}\n  ${caret}`);
}

/** Compiles a --filter expression, its errors naming the flag and the position. */
export function filterFlag(flag: string, expression: string, schema: FieldSchema): (record: RunRecord) => boolean {
  try {
    return compileFilter(expression, schema);
  } catch (error) {
    if (error instanceof FilterError) throw filterUsageError(flag, expression, error);
    throw error;
  }
}

/** Reads a --sort or --columns value, an unknown name becoming a usage error naming the flag. */
export function fieldFlag<T extends SortKey | Field[]>(flag: string, value: string, schema: FieldSchema): T {
  try {
    return (flag === '--sort' ? parseSortKey(value, schema) : parseColumns(value, schema)) as T;
  } catch (error) {
    if (error instanceof UnknownFieldError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}
