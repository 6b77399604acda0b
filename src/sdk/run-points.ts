import type { SeriesKind } from '../model/series.js';
import type { Recorder } from '../record/index.js';
import { MetricBuffer, type SeriesBuffer } from './metric-buffer.js';

/** What a buffered call returns: one settled promise, so the hot path allocates none. */
const buffered: Promise<void> = Promise.resolve();

/**
 * A run's points on their way to the recorder. Synchronous mode hands each point over and waits until it is stored;
 * buffered mode collects them and hands a batch over when `flushPoints` wait, when the run's timer ticks, and at the
 * end. The recorder's queue does the writing (in order, exactly once, retried, spooled when the store fails).
 */
export class RunPoints {
  private readonly metrics = new MetricBuffer();

  constructor(
    private readonly recorder: Recorder,
    private readonly synchronous: boolean,
    private readonly flushPoints: number,
  ) {}

  /** The buffer of a series, to push one point into before calling `added()`. */
  series(kind: SeriesKind, name: string, context: string): SeriesBuffer {
    return this.metrics.series(kind, name, context);
  }

  /** Counts a point just pushed; writes now in synchronous mode, or when the buffer is full. */
  added(): Promise<void> {
    this.metrics.pending++;
    if (this.synchronous) return this.flush();
    if (this.metrics.pending >= this.flushPoints) this.writeInBackground();
    return buffered;
  }

  /** Hands whatever waits to the recorder, without waiting for it to be stored (the timer's tick). */
  writeInBackground(): void {
    if (this.metrics.pending === 0 && !this.recorder.hasPending) return;
    this.metrics.drainTo(this.recorder);
    void this.recorder.flush();
  }

  /** Writes every buffered point (and the run's pending changes); resolves once they are stored. */
  flush(): Promise<void> {
    this.metrics.drainTo(this.recorder);
    return this.recorder.flush();
  }

  /** Writes everything synchronously where the store allows it (the process is ending: no callback runs again). */
  flushNow(): void {
    this.metrics.drainTo(this.recorder);
    void this.recorder.flush();
    this.recorder.queue.writeNow();
  }
}
