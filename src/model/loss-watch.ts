import type { SeriesPoint } from './point.js';

/** A loss that became NaN or infinite and stayed so: what `endCause` appends to the cause of a failed run. */
export interface NonFiniteLoss {
  name: string;
  value: number;
  step?: number;
}

const lossName = /(?:^|[/_.\s-])loss$|^loss(?:[/_.\s-]|$)/i;

/** Watches the training points of a run for a loss whose latest value is NaN or infinite, remembering where that began. */
export class NonFiniteLossWatch {
  private readonly latest = new Map<string, { since?: NonFiniteLoss }>();

  /** Looks at points as they are recorded; other series than losses are passed over. */
  observe(points: readonly SeriesPoint[]): void {
    for (const point of points) {
      if (point.series.kind !== 'training' || !lossName.test(point.series.name)) continue;
      const key = point.series.context ? `${point.series.name} (${point.series.context})` : point.series.name;
      const state = this.latest.get(key) ?? {};
      if (Number.isFinite(point.value)) state.since = undefined;
      else state.since ??= { name: key, value: point.value, ...(point.step === undefined ? {} : { step: point.step }) };
      this.latest.set(key, state);
    }
  }

  /** The first loss whose latest value is not finite, with the step where it stopped being finite; undefined when none. */
  atEnd(): NonFiniteLoss | undefined {
    for (const state of this.latest.values()) if (state.since) return state.since;
    return undefined;
  }
}
