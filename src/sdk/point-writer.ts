import { RunmeterError } from '../model/errors.js';
import type { SeriesPoint } from '../model/point.js';
import type { Store } from '../store/store.js';

/**
 * Writes batches of points to the store one after another, in order. A batch starts writing as soon as nothing
 * else is being written, so with the SQLite store (synchronous underneath) it is stored before `write` returns;
 * `writeNow` covers the rest when the process is about to end and only synchronous work is possible.
 */
export class PointWriter {
  /** The last write that failed, until a later write succeeds. */
  failure: RunmeterError | undefined;
  private readonly queue: SeriesPoint[][] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly runId: string,
  ) {}

  /** Queues a batch and writes the queue; resolves when this batch is stored. */
  write(points: SeriesPoint[]): Promise<void> {
    if (points.length > 0) this.queue.push(points);
    return this.settled();
  }

  /** Resolves when every queued batch is stored; rejects with the store's error when one cannot be. */
  async settled(): Promise<void> {
    while (this.writing !== undefined || this.queue.length > 0) {
      if (this.writing === undefined) this.writing = this.writeQueue();
      await this.writing;
    }
  }

  /** Starts writing every queued batch without waiting: the process is ending. */
  writeNow(): void {
    for (let batch = this.queue.shift(); batch !== undefined; batch = this.queue.shift()) {
      // Nothing can be awaited any more; a failure here has nobody left to tell.
      this.store.appendPoints(this.runId, batch).catch(() => {});
    }
  }

  private async writeQueue(): Promise<void> {
    try {
      for (let batch = this.queue.shift(); batch !== undefined; batch = this.queue.shift()) {
        try {
          await this.store.appendPoints(this.runId, batch);
          this.failure = undefined;
        } catch (error) {
          // Keep the batch: `end()` tries again, and the points are not lost because one write failed.
          this.queue.unshift(batch);
          this.failure = new RunmeterError('E_SDK_WRITE', `cannot write metrics to the store at ${this.store.location}: ${(error as Error).message}`, {
            cause: error,
          });
          throw this.failure;
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
