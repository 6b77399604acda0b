import { contextFromName } from '../model/context.js';
import type { SeriesBuffer } from './metric-buffer.js';
import type { RunPoints } from './run-points.js';
import { checkName } from './validate.js';

/** Finds the buffer of a training metric's series; the last one used is kept at hand, as programs often log one metric in a loop. */
export class TrainingSeries {
  private readonly impliedContexts = new Map<string, string>();
  private lastName = '';
  private lastContext: string | undefined;
  private lastSeries: SeriesBuffer | undefined;

  constructor(private readonly points: RunPoints) {}

  /** The series of `name` in `context`, or in the context its name implies (val_loss: validation). */
  of(name: string, context: string | undefined): SeriesBuffer {
    if (name === this.lastName && context === this.lastContext && this.lastSeries !== undefined) return this.lastSeries;
    // Off the hot path: the full checks (a blank name or context is refused too).
    checkName('logMetric', 'the metric name', name);
    if (context !== undefined) checkName('logMetric', 'the context', context);
    const series = this.points.series('training', name, context ?? this.impliedContext(name));
    this.lastName = name;
    this.lastContext = context;
    this.lastSeries = series;
    return series;
  }

  private impliedContext(name: string): string {
    let context = this.impliedContexts.get(name);
    if (context === undefined) {
      context = contextFromName(name);
      this.impliedContexts.set(name, context);
    }
    return context;
  }
}
