import { encodeValue } from '../model/point.js';
import { type Run, runDuration } from '../model/run.js';
import type { SeriesData, SeriesSummary } from '../store/store.js';
import type { JsonValue, KeyMetric, PointsView, RunView, SeriesView } from './api-types.js';
import { placeSeries } from './charts.js';

// Metrics people look at first; anything else follows alphabetically.
const preferred = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'acc', 'val_acc'];

/** Up to `limit` training metrics worth showing in a runs list: loss and accuracy first, one series per name. */
export function keyMetrics(series: SeriesSummary[], limit = 3): KeyMetric[] {
  const training = series.filter((s) => s.kind === 'training' && (s.rank === undefined || s.rank === 0));
  const rank = (name: string) => {
    const i = preferred.indexOf(name);
    return i === -1 ? preferred.length : i;
  };
  training.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
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

/** The API's view of a run. */
export function runView(run: Run, series: SeriesSummary[], now = Date.now()): RunView {
  return { ...run, durationMs: runDuration(run, now), metrics: keyMetrics(series) };
}

/** The API's view of a series. */
export function seriesView(summary: SeriesSummary): SeriesView {
  return { ...summary, last: encodeValue(summary.last), chart: placeSeries(summary) };
}

const encodeAll = (values: ArrayLike<number>): JsonValue[] => Array.from(values, encodeValue);
/** Steps and epochs are NaN where a point has none: those become null (absent), unlike values. */
const orNull = (values: ArrayLike<number>): Array<number | null> => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

/** Bucketed data with its values JSON-safe. */
export function seriesDataView(data: SeriesData) {
  return { ...data, min: encodeAll(data.min), max: encodeAll(data.max), last: encodeAll(data.last) };
}

/** Raw points with their position in the series, JSON-safe. */
export function pointsView(points: {
  start: number;
  time: ArrayLike<number>;
  step: ArrayLike<number>;
  epoch: ArrayLike<number>;
  value: ArrayLike<number>;
}): PointsView {
  return {
    start: points.start,
    time: Array.from(points.time),
    step: orNull(points.step),
    epoch: orNull(points.epoch),
    value: encodeAll(points.value),
  };
}
