import type { RecordBatch } from '../model/batch.js';
import { batchPoints } from '../model/batch.js';
import type { PointSink } from './sink.js';
import type { Spool } from './spool.js';
import { readSpooledBatch } from './spool.js';

/** A batch waiting for its sink: in memory, in the spool, or both. */
interface Waiting {
  seq: number;
  batch: RecordBatch | undefined;
  file: string | undefined;
  points: number;
  bytes: number;
  done: () => void;
}

export interface BatchQueueOptions {
  /** Where batches go when they wait too long in memory, or at close. */
  spool: Spool;
  /** Told what went wrong, once per kind of problem. */
  warn(message: string): void;
  /** Write every batch to the spool before the sink sees it (the remote sink: nothing lost if runmeter is killed). */
  spoolFirst?: boolean;
  /** Batches held in memory while the sink refuses them, before they move to the spool (default 32 MB). */
  memoryBytes?: number;
  /** Called after each batch the sink applied (the agent says "recording run ..." once the run exists). */
  onApplied?(batch: RecordBatch): void;
  /** First and longest pause between retries, in ms (default 100 and 5000). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** What a queue left behind at close. */
export interface QueueLeftovers {
  /** Points not applied: in the spool, for the next runmeter command to merge. */
  spooledPoints: number;
  spoolDir?: string;
  /** Points that could not be kept anywhere. */
  lostPoints: number;
  /** Output bytes dropped to keep memory bounded while neither the sink nor the spool took them. */
  droppedOutputBytes: number;
}

const estimateBytes = (batch: RecordBatch) => {
  let bytes = 512 + batchPoints(batch) * 32;
  for (const piece of batch.output ?? []) bytes += 64 + (piece.bytes?.byteLength ?? 0);
  return bytes;
};

/**
 * Hands batches to a sink in the order they were made, one at a time. While the sink refuses them (a locked or full
 * store, a server that is down), it keeps them, in memory up to a bound and then in the spool, and tries again with
 * backoff; nothing is reordered, so a store's "last seq applied" is enough to apply each batch exactly once.
 * `submit` never rejects and never blocks its caller on the sink: the job being recorded must not notice.
 */
export class BatchQueue {
  private readonly waiting: Waiting[] = [];
  private memoryBytes = 0;
  private writing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private failing = false;
  private readonly warned = new Set<string>();
  private lost = 0;
  private droppedOutput = 0;
  private closed = false;

  constructor(
    readonly sink: PointSink,
    private readonly options: BatchQueueOptions,
  ) {
    this.retryMs = options.retryMinMs ?? 100;
  }

  /** Batches not applied yet, and their points. */
  get pending(): { batches: number; points: number } {
    let points = 0;
    for (const w of this.waiting) points += w.points;
    return { batches: this.waiting.length, points };
  }

  /**
   * Queues a batch; resolves once the sink has applied it, or once it is safely elsewhere (spooled at close, or lost
   * and counted). Starts writing at once when nothing waits, so a synchronous store has it stored before this
   * returns (the SDK's exit hooks rely on that).
   */
  submit(batch: RecordBatch): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry: Waiting = { seq: batch.seq, batch, file: undefined, points: batchPoints(batch), bytes: estimateBytes(batch), done: resolve };
      if (this.options.spoolFirst) this.spoolEntry(entry);
      this.waiting.push(entry);
      if (entry.batch !== undefined) this.memoryBytes += entry.bytes;
      if (this.memoryBytes > this.memoryLimit()) this.spill();
      if (!this.writing && this.retryTimer === undefined) this.pump();
    });
  }

  /**
   * Stops taking batches: tries to apply what waits for up to `waitMs`, then spools the rest and reports what is
   * left. The sink is closed too.
   */
  async close(waitMs: number): Promise<QueueLeftovers> {
    this.closed = true;
    const deadline = Date.now() + waitMs;
    while (this.waiting.length > 0 && Date.now() < deadline) {
      if (!this.writing) {
        if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        this.pump();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let spooledPoints = 0;
    for (const entry of this.waiting.splice(0)) {
      if (entry.file === undefined) this.spoolEntry(entry);
      if (entry.file !== undefined) spooledPoints += entry.points;
      else this.lost += entry.points;
      entry.done();
    }
    this.options.spool.removeIfEmpty();
    await this.sink.close().catch(() => {});
    const leftovers: QueueLeftovers = {
      spooledPoints,
      lostPoints: this.lost,
      droppedOutputBytes: this.droppedOutput + this.options.spool.droppedOutputBytes,
    };
    // Batches without points (output, the run's end) may be spooled too: the folder matters whenever it is left.
    const dir = this.options.spool.folder;
    if (dir !== undefined) leftovers.spoolDir = dir;
    return leftovers;
  }

  /**
   * Writes every waiting batch now, in order, without waiting for answers: the process is ending and no callback
   * will run again. A synchronous store (SQLite) has them stored when this returns; a batch that was already
   * applied is recognised by its seq and stored once.
   */
  writeNow(): void {
    for (const entry of this.waiting) {
      try {
        const batch = entry.batch ?? readSpooledBatch(entry.file as string);
        this.sink.write(batch).catch(() => {});
      } catch {
        // Nothing is left to tell; what was spooled stays for the next command to merge.
      }
    }
  }

  private memoryLimit(): number {
    return this.options.memoryBytes ?? 32 * 1024 * 1024;
  }

  /** Applies waiting batches in order until one fails (then retries later) or none is left. */
  private pump(): void {
    const head = this.waiting[0];
    if (head === undefined) return;
    this.writing = true;
    let batch: RecordBatch;
    try {
      batch = head.batch ?? readSpooledBatch(head.file as string);
    } catch (error) {
      // A spooled batch this process wrote cannot be read back: count its points as lost, go on with the next.
      this.warnOnce('spool', `cannot read back ${head.file} (${(error as Error).message}); its ${head.points} points are lost`);
      this.finish(head, false);
      this.lost += head.points;
      this.writing = false;
      this.pump();
      return;
    }
    let written: Promise<unknown>;
    try {
      written = this.sink.write(batch);
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(
      () => {
        this.writing = false;
        if (this.failing) {
          this.failing = false;
          this.options.warn(`${this.sink.location} takes writes again; ${this.pending.points} points waiting are being written`);
        }
        this.retryMs = this.options.retryMinMs ?? 100;
        this.finish(head, true);
        this.options.onApplied?.(batch);
        this.pump();
      },
      (error: Error & { retryable?: boolean; retryAfterSeconds?: number }) => {
        this.writing = false;
        if (error.retryable === false) {
          this.warnOnce(`rejected:${error.message}`, `${this.sink.location} refused a batch for good (${error.message}); its ${head.points} points are lost`);
          this.lost += head.points;
          this.finish(head, true);
          this.pump();
          return;
        }
        if (!this.failing) {
          this.failing = true;
          this.options.warn(`cannot write to ${this.sink.location} (${error.message}); keeping what is recorded and retrying`);
        }
        if (this.closed) return;
        // A server that says when to come back (Retry-After) is believed, within the longest pause.
        const asked = typeof error.retryAfterSeconds === 'number' ? Math.min(error.retryAfterSeconds * 1000, this.options.retryMaxMs ?? 5000) : 0;
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = undefined;
            this.pump();
          },
          Math.max(this.retryMs, asked),
        );
        this.retryTimer.unref();
        this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 5000);
      },
    );
  }

  /** Takes an applied (or given-up) batch off the queue. */
  private finish(entry: Waiting, applied: boolean): void {
    this.waiting.shift();
    if (entry.batch !== undefined) this.memoryBytes -= entry.bytes;
    if (entry.file !== undefined && applied) {
      try {
        this.options.spool.remove(entry.file);
      } catch {
        // A leftover file is applied again later and recognised as done: harmless.
      }
    }
    entry.done();
  }

  /** Moves batches from memory to the spool, newest first, until memory is under half its bound. */
  private spill(): void {
    for (let i = this.waiting.length - 1; i > 0 && this.memoryBytes > this.memoryLimit() / 2; i--) {
      const entry = this.waiting[i] as Waiting;
      if (entry.batch === undefined) continue;
      if (entry.file === undefined) this.spoolEntry(entry);
      if (entry.file !== undefined) {
        entry.batch = undefined;
        this.memoryBytes -= entry.bytes;
      }
    }
    // Neither the sink nor the spool takes anything (a full disk): keep every point, drop the oldest output bytes.
    if (this.memoryBytes > 2 * this.memoryLimit()) this.dropOutput();
  }

  private spoolEntry(entry: Waiting): void {
    if (entry.batch === undefined) return;
    try {
      entry.file = this.options.spool.write(entry.batch);
    } catch (error) {
      this.warnOnce('spool-write', `cannot spool what waits for ${this.sink.location} (${(error as Error).message}); keeping it in memory`);
    }
  }

  private dropOutput(): void {
    for (const entry of this.waiting) {
      if (this.memoryBytes <= this.memoryLimit()) break;
      const batch = entry.batch;
      if (batch?.output === undefined || entry.file !== undefined) continue;
      for (const piece of batch.output) {
        if (piece.bytes === undefined) continue;
        this.droppedOutput += piece.bytes.byteLength;
        this.memoryBytes -= piece.bytes.byteLength;
        entry.bytes -= piece.bytes.byteLength;
      }
      // Their index entries go too: they would point at bytes that are not there.
      batch.output = batch.output.filter((piece) => piece.bytes === undefined);
      if (batch.output.length === 0) delete batch.output;
    }
    this.warnOnce(
      'drop-output',
      `neither ${this.sink.location} nor the spool takes writes; dropping the oldest output to keep memory bounded (every metric point is kept)`,
    );
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.options.warn(message);
  }
}
