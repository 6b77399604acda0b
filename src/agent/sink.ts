import type { SeriesColumns } from '../model/columns.js';
import type { OutputChunk, Store } from '../store/store.js';

/**
 * Where the agent sends what it records about one run. A local store now; a remote server (spooling to disk,
 * shipping with retries) drops in behind the same interface without touching the parsers or samplers.
 */
export interface Sink {
  /** Points, in columns per series. */
  appendColumns(batches: SeriesColumns[]): Promise<void>;
  /** Index entries for output bytes already appended to the run's output files. */
  indexOutput(chunks: OutputChunk[]): Promise<void>;
  heartbeat(time: number): Promise<void>;
  close(): Promise<void>;
}

/** A sink writing into a Store. */
export class StoreSink implements Sink {
  constructor(
    private readonly store: Store,
    private readonly runId: string,
  ) {}

  appendColumns(batches: SeriesColumns[]): Promise<void> {
    return this.store.appendColumns(this.runId, batches);
  }

  indexOutput(chunks: OutputChunk[]): Promise<void> {
    return this.store.indexOutput(this.runId, chunks);
  }

  heartbeat(time: number): Promise<void> {
    return this.store.heartbeat(this.runId, time);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
