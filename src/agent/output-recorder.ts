import fs from 'node:fs';
import path from 'node:path';
import type { OutputStream } from '../model/output.js';
import { makeDirectory } from '../record/folders.js';
import type { OutputEntry } from './messages.js';

/** Bytes carried to the worker in messages (their file write failed) before further ones are only passed through. */
const CARRY_BOUND = 64 * 1024 * 1024;

/** Where one stream is written. */
interface StreamFile {
  path: string;
  fd: number | undefined;
  /** Bytes of the stream so far: the offset of the next chunk, whatever happened to earlier writes. */
  offset: number;
  /** Why the last write failed, while writes fail; said once per spell. */
  failing: string | undefined;
}

/**
 * Writes the job's output to the run's files as it arrives, each chunk at its own offset in the stream (a
 * synchronous write to the page cache: cheap and ordered; a short write is finished, never skipped), and hands the
 * worker the ranges to parse and record, batched per turn of the event loop. A chunk that cannot be written (a full
 * disk, an I/O error) travels to the worker with its bytes, which the store writes at the same offset later: offsets
 * never drift, and the file ends up byte-exact.
 */
export class OutputRecorder {
  private readonly streams: Record<OutputStream, StreamFile>;
  private batch: OutputEntry[] = [];
  private scheduled = false;
  private carried = 0;
  /** Bytes that neither reached a file nor could be carried (shown once; the job's own output is untouched). */
  unrecorded = 0;
  bytes = 0;

  constructor(
    files: Record<OutputStream, string>,
    private readonly send: (entries: OutputEntry[]) => void,
    /** Told when writes to a stream's file start failing, and when they work again. */
    private readonly onProblem: (message: string) => void,
    /** Sends each turn of the event loop; false: only when `flush` is called (the pump thread has no event loop turns). */
    private readonly autoFlush = true,
  ) {
    const stream = (file: string): StreamFile => ({ path: file, fd: undefined, offset: 0, failing: undefined });
    this.streams = { stdout: stream(files.stdout), stderr: stream(files.stderr) };
  }

  record(stream: OutputStream, chunk: Buffer, time: number): void {
    this.bytes += chunk.length;
    const target = this.streams[stream];
    const entry: OutputEntry = { stream, offset: target.offset, length: chunk.length, time };
    target.offset += chunk.length;
    if (!this.write(target, chunk, entry.offset, stream)) {
      if (this.carried + chunk.length > CARRY_BOUND) {
        this.unrecorded += chunk.length;
        this.onProblem(`runmeter is falling behind on the job's ${stream}; some of it is not recorded (the job's own output is unaffected)`);
        return;
      }
      this.carried += chunk.length;
      entry.bytes = Uint8Array.from(chunk);
    }
    this.batch.push(entry);
    if (this.autoFlush && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Where each stream's next chunk goes: the pump thread's figures, when this recorder takes over from it. */
  get offsets(): Record<OutputStream, number> {
    return { stdout: this.streams.stdout.offset, stderr: this.streams.stderr.offset };
  }

  /** Continues each stream at `offsets` (what the pump thread recorded before it stopped). */
  resumeAt(offsets: Record<OutputStream, number>): void {
    this.streams.stdout.offset = offsets.stdout;
    this.streams.stderr.offset = offsets.stderr;
  }

  /** Writes the whole chunk at `offset` of the stream's file; false when it could not. */
  private write(target: StreamFile, chunk: Buffer, offset: number, stream: OutputStream): boolean {
    try {
      if (target.fd === undefined) {
        makeDirectory(path.dirname(target.path), 0o700);
        target.fd = fs.openSync(target.path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
      }
      let done = 0;
      while (done < chunk.length) done += fs.writeSync(target.fd, chunk, done, chunk.length - done, offset + done);
      if (target.failing !== undefined) {
        target.failing = undefined;
        this.onProblem(`the job's ${stream} is written to ${target.path} again`);
      }
      return true;
    } catch (error) {
      const reason = (error as Error).message;
      if (target.failing === undefined) {
        target.failing = reason;
        this.onProblem(`cannot write the job's ${stream} to ${target.path} (${reason}); keeping it until it can be`);
      }
      return false;
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
    for (const target of Object.values(this.streams)) {
      if (target.fd !== undefined) fs.closeSync(target.fd);
      target.fd = undefined;
    }
  }
}
