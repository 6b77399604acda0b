import { ApiError } from '../errors.js';

/** What one server lets ingest use at once. */
export interface IngestLimits {
  /** The largest batch body accepted (413 above it). Default 32 MiB. */
  maxBodyBytes: number;
  /** Bytes of batches (bodies and their decoded form) held at once; a request that would pass it gets 429. Default 256 MiB. */
  memoryBytes: number;
  /** Batches applied at once (each holds a store connection). Default 4. */
  concurrentApplies: number;
  /** How long a batch waits for its turn to apply before 503. Default 10 s. */
  queueWaitMs: number;
}

export const defaultIngestLimits: IngestLimits = { maxBodyBytes: 32 * 1024 * 1024, memoryBytes: 256 * 1024 * 1024, concurrentApplies: 4, queueWaitMs: 10_000 };

/**
 * Bounds what ingest holds: a memory budget reserved before a body is read (so many large requests at once get
 * 429 instead of an out-of-memory death), and a fixed number of applies at once, the rest waiting in line.
 */
export class Admission {
  private reserved = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limits: IngestLimits) {}

  /** Reserves `bytes` of the budget; returns its release. Throws a 429 ApiError when the budget is spent. */
  reserve(bytes: number): () => void {
    if (this.reserved + bytes > this.limits.memoryBytes && this.reserved > 0) {
      throw new ApiError(429, 'E_BUSY', `the server holds ${this.reserved} bytes of batches already; send this one again shortly`, { retryAfterSeconds: 1 });
    }
    this.reserved += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved -= bytes;
    };
  }

  /** Waits for a turn to apply; returns its release. Throws a 503 ApiError after queueWaitMs in line. */
  async turn(): Promise<() => void> {
    if (this.running >= this.limits.concurrentApplies) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const at = this.waiting.indexOf(go);
          if (at !== -1) this.waiting.splice(at, 1);
          reject(new ApiError(503, 'E_BUSY', `the store is busy: no turn to apply within ${this.limits.queueWaitMs} ms`, { retryAfterSeconds: 2 }));
        }, this.limits.queueWaitMs);
        const go = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiting.push(go);
      });
    } else {
      this.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next in line (running stays the same), else it ends.
      if (next !== undefined) next();
      else this.running--;
    };
  }

  /** Figures for /api/v1/health-style reporting and tests. */
  get load(): { reservedBytes: number; applying: number; waiting: number } {
    return { reservedBytes: this.reserved, applying: this.running, waiting: this.waiting.length };
  }
}
