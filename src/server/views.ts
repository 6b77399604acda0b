import { runJson, seriesJson } from '../model/json-shape.js';
import { encodeValue } from '../model/point.js';
import type { Run } from '../model/run.js';
import { metricStats } from '../model/run-query/index.js';
import type { SeriesData, SeriesSummary } from '../store/store.js';
import type { JsonValue, KeyMetric, PointsView, RunView, SeriesView } from './api-types.js';
import { placeSeries } from './charts.js';

/**
 * A run's training metrics for the runs list: every metric once (rank 0 of a distributed job), with its last value
 * and range, in the order `runmeter ls` shows them too (losses first, validation before training).
 */
export function keyMetrics(series: SeriesSummary[]): KeyMetric[] {
  return metricStats(series).map((stat) => {
    const metric: KeyMetric = {
      key: stat.key,
      name: stat.name,
      last: encodeValue(stat.last),
      min: stat.min === null ? null : encodeValue(stat.min),
      max: stat.max === null ? null : encodeValue(stat.max),
      count: stat.count,
      seriesId: stat.seriesId as number,
    };
    if (stat.context !== undefined) metric.context = stat.context;
    if (stat.unit !== undefined) metric.unit = stat.unit;
    return metric;
  });
}

/** The API's view of a run. */
export function runView(run: Run, series: SeriesSummary[], now = Date.now()): RunView {
  return { ...runJson(run, now), metrics: keyMetrics(series) };
}

/** The API's view of a series. */
export function seriesView(summary: SeriesSummary): SeriesView {
  return { ...seriesJson(summary), chart: placeSeries(summary) };
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
