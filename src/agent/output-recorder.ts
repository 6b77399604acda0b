import fs from 'node:fs';
import path from 'node:path';
import type { OutputStream } from '../store/store.js';
import type { OutputEntry } from './messages.js';

/** Bytes kept in memory when the output files cannot be written, before they are dropped from the log. */
const MEMORY_BOUND = 64 * 1024 * 1024;

/**
 * Appends the job's output to the run's files as it arrives (a synchronous append to the page cache: cheap and
 * ordered) and hands the worker the ranges to parse, batched per turn of the event loop. If a file cannot be
 * written, bytes travel to the worker in the message instead, so parsing goes on; the problem is said once.
 */
export class OutputRecorder {
  private readonly fds: Partial<Record<OutputStream, number>> = {};
  private readonly offsets: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private readonly failed = new Set<OutputStream>();
  private batch: OutputEntry[] = [];
  private scheduled = false;
  private carried = 0;
  bytes = 0;

  constructor(
    private readonly files: Record<OutputStream, string>,
    private readonly send: (entries: OutputEntry[]) => void,
    private readonly warn: (message: string) => void,
  ) {}

  record(stream: OutputStream, chunk: Buffer, time: number): void {
    this.bytes += chunk.length;
    const entry: OutputEntry = { stream, offset: this.offsets[stream], length: chunk.length, time };
    if (!this.failed.has(stream)) {
      try {
        let fd = this.fds[stream];
        if (fd === undefined) {
          fs.mkdirSync(path.dirname(this.files[stream]), { recursive: true });
          fd = fs.openSync(this.files[stream], 'a');
          this.fds[stream] = fd;
        }
        fs.writeSync(fd, chunk);
        this.offsets[stream] += chunk.length;
      } catch (error) {
        this.failed.add(stream);
        this.warn(`cannot write the job's ${stream} to ${this.files[stream]} (${(error as Error).message}); its metrics are still parsed`);
      }
    }
    if (this.failed.has(stream)) {
      if (this.carried + chunk.length > MEMORY_BOUND) {
        this.warn(`runmeter is falling behind on the job's ${stream}; some of it is not parsed for metrics (the job's own output is unaffected)`);
        return;
      }
      this.carried += chunk.length;
      entry.bytes = Uint8Array.from(chunk);
    }
    this.batch.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is batched now. */
  flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const entries = this.batch;
    this.batch = [];
    for (const entry of entries) if (entry.bytes) this.carried -= entry.bytes.length;
    this.send(entries);
  }

  close(): void {
    this.flush();
    for (const fd of Object.values(this.fds)) fs.closeSync(fd);
  }
}
