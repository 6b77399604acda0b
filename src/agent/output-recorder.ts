import fs from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '../store/make-directory.js';
import type { OutputStream } from '../store/store.js';
import type { OutputEntry } from './messages.js';

/** Bytes kept in memory when no output file can be written, before they are dropped from the log. */
const MEMORY_BOUND = 64 * 1024 * 1024;

/** Where one stream is being appended. */
interface StreamFile {
  path: string;
  fd: number | undefined;
  /** Bytes in the file: the offset of the next chunk. */
  size: number;
  /** Whether the next entry must tell the worker the file changed. */
  moved: boolean;
}

/**
 * Appends the job's output to the run's files as it arrives (a synchronous append to the page cache: cheap and
 * ordered) and hands the worker the ranges to parse, batched per turn of the event loop. A file that cannot be
 * written moves to the fallback folder, what it held copied along so offsets stay; if that fails too, bytes travel
 * to the worker in the message, so parsing goes on.
 */
export class OutputRecorder {
  private readonly streams: Record<OutputStream, StreamFile>;
  private readonly unwritable = new Set<OutputStream>();
  private batch: OutputEntry[] = [];
  private scheduled = false;
  private carried = 0;
  bytes = 0;

  constructor(
    files: Record<OutputStream, string>,
    private readonly fallbackDir: string,
    private readonly send: (entries: OutputEntry[]) => void,
    /** Told once per stream when its file moves to the fallback folder, or cannot be written anywhere. */
    private readonly onProblem: (message: string) => void,
  ) {
    const stream = (file: string): StreamFile => ({ path: file, fd: undefined, size: 0, moved: false });
    this.streams = { stdout: stream(files.stdout), stderr: stream(files.stderr) };
  }

  /** Where each stream's output is now. */
  get files(): Record<OutputStream, string> {
    return { stdout: this.streams.stdout.path, stderr: this.streams.stderr.path };
  }

  record(stream: OutputStream, chunk: Buffer, time: number): void {
    this.bytes += chunk.length;
    const target = this.streams[stream];
    const entry: OutputEntry = { stream, offset: target.size, length: chunk.length, time };
    if (!this.unwritable.has(stream) && !this.append(target, chunk, stream)) this.unwritable.add(stream);
    if (this.unwritable.has(stream)) {
      if (this.carried + chunk.length > MEMORY_BOUND) {
        this.onProblem(`runmeter is falling behind on the job's ${stream}; some of it is not parsed for metrics (the job's own output is unaffected)`);
        return;
      }
      this.carried += chunk.length;
      entry.bytes = Uint8Array.from(chunk);
    } else if (target.moved) {
      entry.file = target.path;
      target.moved = false;
    }
    this.batch.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Moves both streams to the fallback folder (the run could not be recorded in the store): one place for all of it. */
  moveToFallback(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const target = this.streams[stream];
      if (!this.unwritable.has(stream) && path.dirname(target.path) !== this.fallbackDir) this.move(target, stream);
    }
  }

  /** Appends to the stream's file; on failure moves the file to the fallback folder and tries once more there. */
  private append(target: StreamFile, chunk: Buffer, stream: OutputStream): boolean {
    try {
      this.write(target, chunk);
      return true;
    } catch (error) {
      if (path.dirname(target.path) === this.fallbackDir) {
        this.onProblem(`cannot write the job's ${stream} to ${target.path} (${(error as Error).message}); it is still parsed for metrics`);
        return false;
      }
      const from = target.path;
      if (!this.move(target, stream)) return false;
      this.onProblem(`cannot write the job's ${stream} to ${from} (${(error as Error).message}); it is kept in ${target.path}`);
      return this.append(target, chunk, stream);
    }
  }

  private write(target: StreamFile, chunk: Buffer): void {
    if (target.fd === undefined) {
      makeDirectory(path.dirname(target.path));
      target.fd = fs.openSync(target.path, 'a');
    }
    fs.writeSync(target.fd, chunk);
    target.size += chunk.length;
  }

  /** Points the stream at the fallback folder, with what its file held so far. */
  private move(target: StreamFile, stream: OutputStream): boolean {
    const to = path.join(this.fallbackDir, `${stream}.log`);
    try {
      makeDirectory(this.fallbackDir);
      if (target.size > 0) fs.copyFileSync(target.path, to);
      else fs.writeFileSync(to, '');
    } catch (error) {
      this.onProblem(`cannot write the job's ${stream} to ${to} either (${(error as Error).message}); it is still parsed for metrics`);
      this.unwritable.add(stream);
      return false;
    }
    if (target.fd !== undefined) fs.closeSync(target.fd);
    target.fd = undefined;
    target.path = to;
    target.moved = true;
    return true;
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
