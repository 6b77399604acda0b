import type { ParsedMetric } from '../model/point.js';

/** A user's own metric pattern: a regex with named groups `name`, `value` and optionally `step`/`epoch`, or a fixed name. */
export interface MetricPattern {
  regex: RegExp;
  /** The metric's name when the regex has no `name` group. */
  name?: string;
}

export interface ParseOptions {
  /** Record Keras per-batch running averages too, not only each epoch's final values. */
  perBatch?: boolean;
  /** The user's own patterns (`--pattern`, or the project config). */
  patterns?: MetricPattern[];
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
}

/** Turns one output stream's bytes into metrics. Feed chunks as they arrive, in order; call `end` once. */
export interface OutputParser {
  push(chunk: Uint8Array): void;
  end(): void;
}
