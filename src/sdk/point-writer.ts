import { RunmeterError } from '../model/errors.js';
import type { SeriesPoint } from '../model/point.js';
import type { Store } from '../store/store.js';

/**
 * Hands batches of points to the store as soon as they come. The SQLite store is synchronous underneath, so a batch
 * is stored before `write` returns, even inside a program's tight synchronous loop (where no promise callback could
 * run); batches that fail are kept and tried again by `settled()` and `writeNow()`.
 */
export class PointWriter {
  /** The last write that failed, until a later write succeeds. */
  failure: RunmeterError | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly failed: SeriesPoint[][] = [];

  constructor(
    private readonly store: Store,
    private readonly runId: string,
  ) {}

  /** Writes a batch; resolves when it is stored, rejects with a RunmeterError when it cannot be (it is kept for later). */
  write(points: SeriesPoint[]): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    const write = this.store.appendPoints(this.runId, points).then(
      () => {
        this.failure = undefined;
      },
      (error: unknown) => {
        this.failed.push(points);
        this.failure = new RunmeterError('E_SDK_WRITE', `cannot write metrics to the store at ${this.store.location}: ${(error as Error).message}`, {
          cause: error,
        });
        throw this.failure;
      },
    );
    this.inFlight.add(write);
    const forget = () => this.inFlight.delete(write);
    write.then(forget, forget);
    return write;
  }

  /** Resolves when every batch written so far is stored, trying failed ones once more; rejects when one still fails. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    const retry = this.failed.splice(0);
    for (const batch of retry) await this.write(batch);
  }

  /** Tries failed batches again without waiting: the process is ending. */
  writeNow(): void {
    for (const batch of this.failed.splice(0)) {
      // Nothing can be awaited any more; a failure here has nobody left to tell.
      this.store.appendPoints(this.runId, batch).catch(() => {});
    }
  }
}
