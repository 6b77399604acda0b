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
  /** Points should carry their value's text as printed (`FoundMetric.valueText`), for output that copies it. */
  readonly keepsValueText?: boolean;
}

/** A point as a format found it: with the value's text as printed, which JSON output can copy instead of formatting the number again. */
export interface FoundMetric extends ParsedMetric {
  valueText?: string;
}

// The context of each name, kept: names repeat on every line.
const contexts = new Map<string, string>();

function nameContext(name: string): string {
  let context = contexts.get(name);
  if (context === undefined) {
    context = contextFromName(name);
    if (contexts.size >= 4096) contexts.clear();
    contexts.set(name, context);
  }
  return context;
}

/**
 * A point found on a line, with the context its name implies unless one is given. Every point has all the fields
 * (absent ones undefined), in one order: the code that reads points then sees a single object shape, which V8 reads
 * many times faster than a mix of shapes.
 */
export function metricOn(at: LineContext, format: string, name: string, value: number, context?: string, valueText?: string): FoundMetric {
  return {
    name,
    value,
    step: undefined,
    epoch: undefined,
    context: context ?? nameContext(name),
    rank: at.rank,
    line: at.line,
    format,
    timestamp: at.timestamp(),
    unit: undefined,
    valueText,
  };
}

/** A copy of a line's context, for points emitted after the line has gone (a bar's last redraw). */
export class RememberedLine implements LineContext {
  line = 0;
  rank: number | undefined;
  partial = false;
  private time: number | undefined;

  constructor(at: LineContext) {
    this.copy(at);
  }

  /** Now a copy of `at`. */
  copy(at: LineContext): void {
    this.line = at.line;
    this.rank = at.rank;
    this.partial = at.partial;
    this.time = at.timestamp();
  }

  timestamp(): number | undefined {
    return this.time;
  }
}
