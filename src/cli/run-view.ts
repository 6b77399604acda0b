import os from 'node:os';
import { encodeValue } from '../model/point.js';
import { type Run, runDuration } from '../model/run.js';
import { mergeSpools, spoolBases, storeSink } from '../record/index.js';
import { isAgentAlive } from '../store/agent-process.js';
import type { SeriesSummary, Store } from '../store/store.js';

/**
 * Before showing anything: adds what recorders that stopped left in spools for this store (a run's end included),
 * then marks this host's runs whose runmeter died as lost. Problems are left for `runmeter sync` to report.
 */
export async function settleLostRuns(store: Store): Promise<void> {
  await mergeSpools(storeSink(store), spoolBases()).catch(() => []);
  await store.markLostRuns(os.hostname(), isAgentAlive).catch(() => []);
}

/** A series as `show --json` and `ls --json` write it: NaN and ±Infinity as strings, never null. */
export function seriesJson(series: SeriesSummary): Record<string, unknown> {
  const out: Record<string, unknown> = { id: series.id, name: series.name, kind: series.kind };
  for (const label of ['context', 'rank', 'node', 'device'] as const) if (series[label] !== undefined) out[label] = series[label];
  out.count = series.count;
  out.last = encodeValue(series.last);
  out.min = series.min === null ? null : encodeValue(series.min);
  out.max = series.max === null ? null : encodeValue(series.max);
  out.first_time = series.firstTime;
  out.last_time = series.lastTime;
  if (series.firstStep !== undefined) out.first_step = series.firstStep;
  if (series.lastStep !== undefined) out.last_step = series.lastStep;
  if (series.firstEpoch !== undefined) out.first_epoch = series.firstEpoch;
  if (series.lastEpoch !== undefined) out.last_epoch = series.lastEpoch;
  return out;
}

/** A run as the JSON outputs write it. */
export function runJson(run: Run, now = Date.now()): Record<string, unknown> {
  return { ...run, duration_ms: runDuration(run, now) };
}

const metricRank = (name: string) => (/loss/i.test(name) ? 0 : /acc|f1|auc|score|bleu|perplexity/i.test(name) ? 1 : 2);

/** The training metrics worth a column in a list: losses first, then accuracies, then the rest; up to `limit`. */
export function keyMetrics(series: SeriesSummary[], limit = 3): SeriesSummary[] {
  return series
    .filter((s) => s.kind === 'training' && s.rank === undefined)
    .sort((a, b) => metricRank(a.name) - metricRank(b.name) || a.name.length - b.name.length || a.name.localeCompare(b.name))
    .slice(0, limit);
}
