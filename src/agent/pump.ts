import fs from 'node:fs';
import net from 'node:net';
import { type MessagePort, Worker } from 'node:worker_threads';
import { workerEntry } from '../install.js';
import type { OutputStream } from '../model/output.js';
import { createPipe } from './os-pipe.js';

/** What the pump thread is given: the job's pipes, where their bytes go on, the run's files, the ingest worker. */
export interface PumpConfig {
  from: Record<OutputStream, number>;
  to: Record<OutputStream, number>;
  /** The read end of the pipe the main thread wakes the pump through (to stop it). */
  wake: number;
  files: Record<OutputStream, string>;
  ingest: MessagePort;
}

/** How the pump ended: on its own (the pipes ended, or it was stopped), or by failing with pipes still `open`. */
export interface PumpResult {
  completed: boolean;
  open: OutputStream[];
  /** Bytes of each stream recorded so far: where whoever takes over goes on. */
  offsets: Record<OutputStream, number>;
  /** Bytes passed on that could not be recorded (a full disk, for long). */
  unrecorded: number;
  /** The output's last 32 KB, both streams: where a traceback is. */
  tail: string;
  /** The last byte passed on per stream (0x0a: the stream ends at a line's start). */
  lastByte: Record<OutputStream, number>;
  /** The thread died without its last word (to the ingest worker, `output-end`, as to this thread). */
  lost?: true;
}

export type FromPump = { type: 'warning'; message: string } | { type: 'closed'; stream: OutputStream } | ({ type: 'done' } & PumpResult);

/**
 * The main thread's handle on the pump thread (pump-worker.ts), which moves the job's output along at the speed of
 * `cat`. Should the thread fail, the main thread reads the pipes itself from where it stopped (`onOutput`), so the
 * job never waits on a pipe nobody reads.
 */
export class Pump {
  /** Resolves when every stream has ended (the job and its children closed it) or was stopped. */
  readonly ended: Promise<void>;
  /** Resolves when the thread is gone, with how it ended. */
  readonly done: Promise<PumpResult>;
  private readonly worker: Worker;
  private readonly wake: { read: number; write: number };
  private readonly open = new Set<OutputStream>(['stdout', 'stderr']);
  private readonly readers: net.Socket[] = [];
  private endStream: (stream: OutputStream) => void = () => {};
  private stopped = false;
  private wakeOpen = true;

  constructor(
    private readonly config: Omit<PumpConfig, 'wake'>,
    warn: (message: string) => void,
    /** Where the bytes go should the main thread take over: the same destinations, through its own streams. */
    private readonly takeOver: (offsets: Record<OutputStream, number>, tail: string) => (stream: OutputStream, chunk: Buffer) => void,
  ) {
    const wake = createPipe();
    if (wake === undefined) throw new Error('pipe2 cannot be called here');
    this.wake = wake;
    this.ended = new Promise((resolve) => {
      this.endStream = (stream) => {
        this.open.delete(stream);
        if (this.open.size === 0) resolve();
      };
    });
    // Node joins its threads when the process exits; one blocked in poll(2) would hold the exit for ever.
    const wakeAtExit = () => this.stop();
    process.once('exit', wakeAtExit);
    const entry = workerEntry('agent/pump-worker');
    this.worker = new Worker(entry.url, {
      workerData: { ...config, wake: wake.read },
      transferList: [config.ingest],
      execArgv: entry.execArgv,
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    });
    this.done = new Promise((resolve) => {
      let result: PumpResult | undefined;
      this.worker.on('message', (message: FromPump) => {
        if (message.type === 'warning') warn(message.message);
        else if (message.type === 'closed') this.endStream(message.stream);
        else {
          const { type: _, ...rest } = message;
          result = rest;
        }
      });
      this.worker.on('error', (error) => warn(`runmeter's output thread failed (${error.message}); the main thread passes the job's output on`));
      this.worker.on('exit', () => {
        process.removeListener('exit', wakeAtExit);
        result ??= this.lostResult();
        if (!result.completed) this.readOn(result);
        this.closeWake();
        resolve(result);
      });
    });
  }

  /** Stops reading: what the job's children still write goes nowhere runmeter sees. */
  stop(): void {
    this.stopped = true;
    try {
      if (this.wakeOpen) fs.writeSync(this.wake.write, 's');
    } catch {}
    for (const reader of this.readers) reader.destroy();
  }

  /** The thread died without a word (out of memory): the files say how far it got. */
  private lostResult(): PumpResult {
    const size = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const offsets = { stdout: size(this.config.files.stdout), stderr: size(this.config.files.stderr) };
    return { completed: false, open: [...this.open], offsets, unrecorded: 0, tail: '', lastByte: { stdout: 0x0a, stderr: 0x0a }, lost: true };
  }

  /** Reads the pipes the thread left open, on this thread, into `takeOver`'s destinations. */
  private readOn(result: PumpResult): void {
    const pass = this.takeOver(result.offsets, result.tail);
    for (const stream of result.open) {
      if (this.stopped) {
        fs.closeSync(this.config.from[stream]);
        this.endStream(stream);
        continue;
      }
      const reader = new net.Socket({ fd: this.config.from[stream], readable: true, writable: false });
      reader.on('data', (chunk: Buffer) => pass(stream, chunk));
      reader.on('error', () => {});
      reader.once('close', () => this.endStream(stream));
      this.readers.push(reader);
    }
  }

  private closeWake(): void {
    this.wakeOpen = false;
    for (const fd of [this.wake.read, this.wake.write]) {
      try {
        fs.closeSync(fd);
      } catch {}
    }
  }
}
