// What the runs table, `runmeter ls` and `runmeter compare` know of a run: its fields, flattened params, and one
// summary per training metric. Built from a stored run (CLI, server) or from the API's view of one (dashboard).
import { contextFromName } from '../context.js';
import { type Run, type RunStatus, runDuration } from '../run.js';

/** A run's summary of one training metric: its last value and range (NaN and ±Infinity kept). */
export interface MetricStat {
  /** How columns and filters name it: the series name, prefixed by its context when the name does not imply it. */
  key: string;
  name: string;
  context?: string;
  last: number;
  /** Smallest and largest value that is not NaN; null when every value is NaN. */
  min: number | null;
  max: number | null;
  count: number;
  unit?: string;
  /** The series it summarises, where known. */
  seriesId?: number;
}

/** A run as the table sees it. */
export interface RunRecord {
  id: string;
  name: string;
  project?: string;
  command: readonly string[];
  host: string;
  user: string;
  status: RunStatus;
  startTime: number;
  durationMs: number;
  note?: string;
  tags: readonly string[];
  /** Params flattened to dotted keys (`optimizer.lr`), leaves only. */
  params: Readonly<Record<string, ParamValue>>;
  metrics: readonly MetricStat[];
}

export type ParamValue = string | number | boolean | null;

/** The key a metric goes by: `loss`, `val_loss`; `validation/loss` for `loss` logged with the validation context. */
export function metricKey(name: string, context?: string): string {
  return context === undefined || context === contextFromName(name) ? name : `${context}/${name}`;
}

/** Flattens nested params to dotted keys: {optimizer: {lr: 0.1}} → {"optimizer.lr": 0.1}; arrays become JSON text. */
export function flattenParams(params: Record<string, unknown>, prefix = '', out: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      flattenParams(value as Record<string, unknown>, name, out);
    } else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name] = value;
    } else {
      out[name] = JSON.stringify(value) ?? String(value);
    }
  }
  return out;
}

/** A series summary as the stores keep it (structurally), enough to summarise a metric. */
export interface SeriesStatSource {
  id?: number;
  name: string;
  kind: string;
  context?: string;
  rank?: number;
  unit?: string;
  last: number;
  min: number | null;
  max: number | null;
  count: number;
}

/** One stat per training metric of a run: rank 0 (or no rank) of a distributed job, each key once. */
export function metricStats(series: readonly SeriesStatSource[]): MetricStat[] {
  const seen = new Set<string>();
  const stats: MetricStat[] = [];
  for (const s of series) {
    if (s.kind !== 'training' || (s.rank !== undefined && s.rank !== 0)) continue;
    const key = metricKey(s.name, s.context);
    if (seen.has(key)) continue;
    seen.add(key);
    const stat: MetricStat = { key, name: s.name, last: s.last, min: s.min, max: s.max, count: s.count };
    if (s.context !== undefined) stat.context = s.context;
    if (s.unit !== undefined) stat.unit = s.unit;
    if (s.id !== undefined) stat.seriesId = s.id;
    stats.push(stat);
  }
  return sortMetrics(stats);
}

/** How much a metric is worth a first look: losses, then accuracies and scores, then the rest. */
export function metricRank(name: string): number {
  return /loss/i.test(name) ? 0 : /acc|f1|auc|score|bleu|perplexity|ppl|rouge|map\b|iou/i.test(name) ? 1 : 2;
}

/** Whether a lower value of this metric is better (losses, errors, perplexity), higher (accuracies), or unknown. */
export function betterDirection(name: string): 'lower' | 'higher' | undefined {
  if (/loss|err|perplexity|ppl|mse|mae|rmse|wer|cer/i.test(name)) return 'lower';
  if (/acc|f1|auc|score|bleu|rouge|precision|recall|map\b|iou/i.test(name)) return 'higher';
  return undefined;
}

// A sweep is judged on held-out data: validation metrics come before evaluation, testing and training ones.
const contextOrder: Record<string, number> = { validation: 0, evaluation: 1, testing: 2, training: 3 };
const contextPlace = (key: string) => contextOrder[contextFromName(key)] ?? 3;

/** Orders metrics the way every list shows them: by rank, validation before training, shorter names, then by name. */
export function compareMetricKeys(a: string, b: string): number {
  return metricRank(a) - metricRank(b) || contextPlace(a) - contextPlace(b) || a.length - b.length || a.localeCompare(b);
}

/** Sorts stats in the shared order (see compareMetricKeys). */
export function sortMetrics(stats: MetricStat[]): MetricStat[] {
  return stats.sort((a, b) => compareMetricKeys(a.key, b.key));
}

/**
 * The metrics worth a column when the user chose none: up to `limit` keys across the runs, in the shared order,
 * so that `runmeter ls` and the dashboard show the same ones (validation loss before training loss).
 */
export function keyMetricKeys(records: readonly Pick<RunRecord, 'metrics'>[], limit = 3): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const metric of record.metrics) keys.add(metric.key);
  return [...keys].sort(compareMetricKeys).slice(0, limit);
}

/** A run's stat for a metric key, if it has one. */
export function findMetric(record: Pick<RunRecord, 'metrics'>, key: string): MetricStat | undefined {
  return record.metrics.find((m) => m.key === key);
}

/** A stored run and its series as the table sees it. */
export function runRecord(run: Run, series: readonly SeriesStatSource[], now = Date.now()): RunRecord {
  const record: RunRecord = {
    id: run.id,
    name: run.name,
    command: run.command,
    host: run.host,
    user: run.user,
    status: run.status,
    startTime: run.startTime,
    durationMs: runDuration(run, now),
    tags: run.tags,
    params: flattenParams(run.params),
    metrics: metricStats(series),
  };
  if (run.project !== undefined) record.project = run.project;
  if (run.note !== undefined) record.note = run.note;
  return record;
}
