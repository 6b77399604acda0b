// The one JSON shape of runmeter's outputs: every `--json` of the CLI and every body of the HTTP API is built from
// these functions, so a field has one name (camelCase) wherever it appears. docs/json.md documents it.
import { encodeValue } from './point.js';
import { type Run, runDuration } from './run.js';
import type { SeriesSummary } from './series.js';

/**
 * The version of the shape, in every document as `schemaVersion`. New fields do not change it; it grows only when a
 * field is renamed, changes meaning or goes away, which we avoid.
 */
export const schemaVersion = 1;

/** A number as JSON carries it: NaN and ±Infinity as strings, never null. */
export type JsonValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** A run as JSON: the stored run and its duration so far. */
export type RunJson = Run & { durationMs: number };

/** A series as JSON: its labels and summary, values JSON-safe. */
export type SeriesJson = Omit<SeriesSummary, 'last' | 'min' | 'max'> & { last: JsonValue; min: JsonValue | null; max: JsonValue | null };

/** A run's last value of one training metric, for lists of runs. */
export interface KeyMetric {
  name: string;
  context?: string;
  last: JsonValue;
  seriesId: number;
}

/** A run as JSON. */
export function runJson(run: Run, now = Date.now()): RunJson {
  return { ...run, durationMs: runDuration(run, now) };
}

/** A series summary as JSON: NaN and ±Infinity as strings; `min` and `max` null when every value was NaN. */
export function seriesJson(series: SeriesSummary): SeriesJson {
  return {
    ...series,
    last: encodeValue(series.last),
    min: series.min === null ? null : encodeValue(series.min),
    max: series.max === null ? null : encodeValue(series.max),
  };
}

// Metrics people look at first, by exact name; the rest rank by what their name says, then alphabetically.
const preferred = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'acc', 'val_acc'];
const nameRank = (name: string) => {
  const exact = preferred.indexOf(name);
  if (exact !== -1) return exact;
  return preferred.length + (/loss/i.test(name) ? 0 : /acc|f1|auc|score|bleu|perplexity/i.test(name) ? 1 : 2);
};

/** Up to `limit` training metrics worth showing beside a run: losses first, then accuracies; one series per name. */
export function keyMetrics(series: readonly SeriesSummary[], limit = 3): KeyMetric[] {
  const training = series.filter((s) => s.kind === 'training' && (s.rank === undefined || s.rank === 0));
  training.sort((a, b) => nameRank(a.name) - nameRank(b.name) || a.name.length - b.name.length || a.name.localeCompare(b.name));
  const seen = new Set<string>();
  const metrics: KeyMetric[] = [];
  for (const s of training) {
    if (seen.has(s.name) || metrics.length >= limit) continue;
    seen.add(s.name);
    const metric: KeyMetric = { name: s.name, last: encodeValue(s.last), seriesId: s.id };
    if (s.context !== undefined) metric.context = s.context;
    metrics.push(metric);
  }
  return metrics;
}

/** A JSON document as runmeter writes one: `schemaVersion` first, then the body's fields. */
export function jsonDocument<T extends object>(body: T): { schemaVersion: number } & T {
  return { schemaVersion, ...body };
}

/** A document as text: `jsonDocument(body)`, indented, with a final newline. */
export function jsonText(body: object, indent = 2): string {
  return `${JSON.stringify(jsonDocument(body), null, indent)}\n`;
}
