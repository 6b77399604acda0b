import type { ParsedMetric } from '../model/point.js';
import type { NoMetricsHint } from './text/hint.js';

/** The log formats runmeter recognises, by the name each parser gives its points' `format`. */
export type FormatName = 'json' | 'keras' | 'hf' | 'tqdm' | 'lightning' | 'xgboost' | 'lightgbm' | 'text' | 'table';

export const formatNames: readonly FormatName[] = ['json', 'keras', 'hf', 'tqdm', 'lightning', 'xgboost', 'lightgbm', 'text', 'table'];

/** A user's own metric pattern: a regex with named groups `name`, `value` and optionally `step`/`epoch`, or a fixed name. */
export interface MetricPattern {
  regex: RegExp;
  /** The metric's name when the regex has no `name` group. */
  name?: string;
}

/** How to parse. Plain data (RegExps included), so it can cross to a worker thread. */
export interface ParseOptions {
  /** Record per-batch running averages (Keras progress redraws, every tqdm redraw) too, not only each epoch's final values. */
  perBatch?: boolean;
  /** The user's own patterns (`--pattern`, or the project config). A line one of them matches is not parsed otherwise. */
  patterns?: MetricPattern[];
  /** The built-in formats to use; all of them when absent. */
  formats?: FormatName[];
}

/** A line that looked like a metric but was rejected, and why. */
export interface ParseWarning {
  /** 1-based line number in the stream. */
  line: number;
  message: string;
}

/** Where a parser delivers what it finds, synchronously, in line order. */
export interface ParseSink {
  metric(metric: ParsedMetric): void;
  warning?(warning: ParseWarning): void;
  /** A line the parser failed on (an exception, runmeter's own bug): given, the parser goes on with the next line. */
  failure?(line: number, error: Error): void;
}

/** Turns one output stream's bytes into metrics. Feed chunks as they arrive, in order; call `end` once. */
export interface OutputParser {
  push(chunk: Uint8Array): void;
  end(): void;
  /**
   * When the stream has given no point at all: its line that looked most like metrics (name/value pairs no reader
   * took) and a `--pattern` that reads it; undefined when a point was found or nothing looked like one. Cheap to
   * call at the end of a run; what it keeps is bounded, and nothing once a point is found.
   */
  noMetricsHint(): NoMetricsHint | undefined;
}
