import { contextFromName } from '../../model/context.js';
import type { ParsedMetric } from '../../model/point.js';

/** Where a line came from, for the points found on it. */
export interface LineContext {
  /** 1-based line number. */
  line: number;
  rank: number | undefined;
  /** A redraw that a later one replaced, not the line's final text. */
  partial: boolean;
  /** The line's own timestamp (ms), read on first use. */
  timestamp(): number | undefined;
}

/** Where formats put what they find. */
export interface MetricOutput {
  metric(metric: ParsedMetric): void;
  warning(line: number, message: string): void;
}

/** A point as a format found it: with the value's text as printed, which JSON output can copy instead of formatting the number again. */
export interface FoundMetric extends ParsedMetric {
  valueText?: string;
}

/** A point found on a line, with the context its name implies unless one is given. */
export function metricOn(at: LineContext, format: string, name: string, value: number, context?: string, valueText?: string): FoundMetric {
  const metric: FoundMetric = { name, value, line: at.line, format, context: context ?? contextFromName(name) };
  if (valueText !== undefined) metric.valueText = valueText;
  if (at.rank !== undefined) metric.rank = at.rank;
  const timestamp = at.timestamp();
  if (timestamp !== undefined) metric.timestamp = timestamp;
  return metric;
}

/** A frozen copy of a line's context, for points emitted after the line has gone (a bar's last redraw). */
export function rememberLine(at: LineContext): LineContext {
  const timestamp = at.timestamp();
  return { line: at.line, rank: at.rank, partial: at.partial, timestamp: () => timestamp };
}
