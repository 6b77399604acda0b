import type { BatchResult, RecordBatch } from '../model/batch.js';
import type { OutputStream } from '../model/output.js';
import type { Store } from '../store/store.js';

/**
 * Where a recorder's batches go: the store on this machine, or a team server. Every producer (the agent, the SDKs,
 * `import`) hands its batches to one of these through a BatchQueue, so adding a destination touches one place.
 */
export interface PointSink {
  /** Where the data goes, for messages: a path, or a URL without its credentials. */
  readonly location: string;
  /** Applies a batch exactly once (see Store.applyBatch). Rejects when it could not be applied; the queue retries. */
  write(batch: RecordBatch): Promise<BatchResult>;
  /**
   * The file where the sink keeps a run's output stream, when the recorder may append to it directly (a local
   * store): batches then carry index entries only. Undefined: output bytes travel in the batches. `member`: a joined
   * run's member's stream.
   */
  outputFile(runId: string, stream: OutputStream, member?: string): string | undefined;
  close(): Promise<void>;
}

/** How a StoreSink gets its store: one already open, or how to open it (tried again on each write until it opens). */
export type StoreSource = Store | { open(): Store; location: string; outputFile?(runId: string, stream: OutputStream, member?: string): string | undefined };

/**
 * A sink writing into a Store (SQLite or PostgreSQL) in this process. Given a way to open the store rather than a
 * store, it opens it on the first write and, while that fails (a store locked for long, a folder not there yet), on
 * every retry: a store that cannot be opened at the start of a run is not given up on.
 */
export class StoreSink implements PointSink {
  readonly location: string;
  private opened: Store | undefined;

  constructor(
    private readonly source: StoreSource,
    /** Close the store with the sink (it was opened for the sink). */
    private readonly ownsStore = true,
  ) {
    this.location = source.location;
    if (isStore(source)) this.opened = source;
  }

  /** The store, once it could be opened. */
  get store(): Store | undefined {
    return this.opened;
  }

  /** The store, opening it now if it is not open yet; throws what opening threw. */
  open(): Store {
    this.opened ??= (this.source as { open(): Store }).open();
    return this.opened;
  }

  write(batch: RecordBatch): Promise<BatchResult> {
    let store: Store;
    try {
      store = this.open();
    } catch (error) {
      return Promise.reject(error);
    }
    return store.applyBatch(batch);
  }

  outputFile(runId: string, stream: OutputStream, member?: string): string | undefined {
    if (this.opened !== undefined) return this.opened.outputFile(runId, stream, member);
    return isStore(this.source) ? undefined : this.source.outputFile?.(runId, stream, member);
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.opened?.close();
  }
}

function isStore(source: StoreSource): source is Store {
  return typeof (source as Store).applyBatch === 'function';
}
