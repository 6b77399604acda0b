// Runs side by side: what sets them apart and how they finished. Shared by `runmeter compare` and GET /api/v1/compare.
import type { JsonValue } from '../json-shape.js';
import { encodeValue } from '../point.js';
import { differenceLabels, paramsDiff } from './params-diff.js';
import { betterDirection, compareMetricKeys, findMetric, type MetricStat, type ParamValue, type RunRecord } from './record.js';

/** Compared runs side by side: labels by what differs, the params diff, and each metric's final and best value. */
export interface Comparison {
  runs: Array<{ id: string; name: string; status: string; project?: string; tags: readonly string[]; startTime: number; label: string }>;
  /** Params whose values differ between the runs (or that some lack), then those they share. */
  params: { differing: string[]; same: string[]; values: Record<string, Array<ParamValue | undefined>> };
  /** Metrics any run has, losses first; per run its stat, or undefined where the run lacks it. */
  metrics: Array<{ key: string; better?: 'lower' | 'higher'; values: Array<MetricStat | undefined> }>;
}

/** Compares runs: what sets them apart and how they finished. */
export function compareRuns(records: readonly RunRecord[]): Comparison {
  const labels = differenceLabels(records);
  const { differing, same } = paramsDiff(records);
  const values: Comparison['params']['values'] = {};
  for (const name of [...differing, ...same]) values[name] = records.map((r) => (Object.hasOwn(r.params, name) ? r.params[name] : undefined));
  const keys = [...new Set(records.flatMap((r) => r.metrics.map((m) => m.key)))].sort(compareMetricKeys);
  return {
    runs: records.map((r, i) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      ...(r.project ? { project: r.project } : {}),
      tags: r.tags,
      startTime: r.startTime,
      label: labels[i] as string,
    })),
    params: { differing, same, values },
    metrics: keys.map((key) => {
      const better = betterDirection(key);
      return { key, ...(better ? { better } : {}), values: records.map((r) => findMetric(r, key)) };
    }),
  };
}

/** The best value of a metric by its direction: the min of a loss, the max of an accuracy; else none. */
export function bestValue(stat: MetricStat, better: 'lower' | 'higher' | undefined): number | null | undefined {
  if (better === undefined) return undefined;
  return better === 'lower' ? stat.min : stat.max;
}

/** One run's summary of a metric as JSON; `best` only where the metric's name says which way is better. */
export interface MetricStatJson {
  last: JsonValue;
  min: JsonValue | null;
  max: JsonValue | null;
  best?: JsonValue | null;
  count: number;
  /** The series it summarises (GET /api/v1/runs/:run/series/:id/data reads its points). */
  seriesId?: number;
}

/** A comparison as JSON (`runmeter compare --json`, GET /api/v1/compare): refs that named no run in `missing`. */
export interface ComparisonJson {
  runs: Comparison['runs'];
  /** The refs asked for that named no run (or more than one), in the order given. */
  missing: string[];
  params: { differing: string[]; same: string[]; values: Record<string, Array<ParamValue>> };
  metrics: Array<{ key: string; better?: 'lower' | 'higher'; values: Array<MetricStatJson | null> }>;
}

/** The comparison as JSON: camelCase, NaN and ±Infinity as strings, a missing value as null. */
export function comparisonJson(comparison: Comparison, missing: string[]): ComparisonJson {
  const encode = (v: number | null | undefined) => (v === null || v === undefined ? null : encodeValue(v));
  return {
    runs: comparison.runs,
    missing,
    params: {
      differing: comparison.params.differing,
      same: comparison.params.same,
      values: Object.fromEntries(Object.entries(comparison.params.values).map(([k, vs]) => [k, vs.map((v) => (v === undefined ? null : v))])),
    },
    metrics: comparison.metrics.map((m) => ({
      key: m.key,
      ...(m.better ? { better: m.better } : {}),
      values: m.values.map((s) => {
        if (s === undefined) return null;
        const stat: MetricStatJson = { last: encodeValue(s.last), min: encode(s.min), max: encode(s.max), count: s.count };
        if (m.better !== undefined) stat.best = encode(bestValue(s, m.better));
        if (s.seriesId !== undefined) stat.seriesId = s.seriesId;
        return stat;
      }),
    })),
  };
}
