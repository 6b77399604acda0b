import type { SeriesKey } from './series.js';

/**
 * One metric value. `value` may be NaN or ±Infinity: those are kept, never dropped or turned into null.
 * `step` and `epoch` are absent when the source did not give them.
 */
export interface Point {
  /** Milliseconds since the epoch. */
  time: number;
  step?: number;
  epoch?: number;
  value: number;
}

/** A point together with the series it belongs to: what parsers, samplers and the SDK emit. */
export interface SeriesPoint extends Point {
  series: SeriesKey;
}

/** A training metric found in a job's output, before it is given a time. */
export interface ParsedMetric {
  name: string;
  value: number;
  step?: number;
  epoch?: number;
  context?: string;
  rank?: number;
  /** 1-based line number in the stream it was found in. */
  line: number;
  /** Which parser recognised it: `json`, `keras`, `hf`, `tqdm`, `lightning`, `xgboost`, `lightgbm`, `text`, `table`, `pattern`. */
  format: string;
  /** When the line itself carried a timestamp (ms since epoch). */
  timestamp?: number;
  /** The unit the value was printed in (`ms`, `%`, `GiB`, `tok/s`), when one was printed. */
  unit?: string;
}

/** A number as the JSON contract writes it: finite numbers as they are, NaN and ±Infinity as strings. */
export function encodeValue(value: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** The inverse of `encodeValue`; also accepts plain numbers and numeric strings. */
export function decodeValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}
