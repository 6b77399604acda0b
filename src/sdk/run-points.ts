import type { RunmeterError } from '../model/errors.js';
import type { SeriesKind } from '../model/series.js';
import type { Store } from '../store/store.js';
import { MetricBuffer, type SeriesBuffer } from './metric-buffer.js';
import { PointWriter } from './point-writer.js';

/** What a buffered call returns: one settled promise, so the hot path allocates none. */
const buffered: Promise<void> = Promise.resolve();

/**
 * A run's points on their way to the store. Synchronous mode writes each point before the call's promise resolves;
 * buffered mode collects them and writes a batch when `flushPoints` wait, when the run's timer ticks, and at the end.
 */
export class RunPoints {
  private readonly metrics = new MetricBuffer();
  private readonly writer: PointWriter;
  private warnedAbout: RunmeterError | undefined;

  constructor(
    store: Store,
    runId: string,
    private readonly synchronous: boolean,
    private readonly flushPoints: number,
  ) {
    this.writer = new PointWriter(store, runId);
  }

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

  /** Writes whatever waits, without waiting for it (the timer's tick). */
  writeInBackground(): void {
    if (this.metrics.pending === 0) return;
    this.writer.write(this.metrics.drain()).catch((error: RunmeterError) => this.warn(error));
  }

  /** Writes every buffered point; resolves once they are stored. */
  async flush(): Promise<void> {
    if (this.metrics.pending > 0) await this.writer.write(this.metrics.drain());
    await this.writer.settled();
  }

  /** Writes every buffered point synchronously where the store allows (the process is ending). */
  flushNow(): void {
    if (this.metrics.pending > 0) this.writer.write(this.metrics.drain()).catch(() => {});
    this.writer.writeNow();
  }

  /** A failed background write is reported once here, and again by `flush()`. */
  private warn(error: RunmeterError): void {
    if (this.warnedAbout !== undefined) return;
    this.warnedAbout = error;
    process.emitWarning(`${error.message} (runmeter keeps the points and tries again)`, 'RunmeterWarning');
  }
}
