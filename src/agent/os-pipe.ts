import fs from 'node:fs';
import { createRequire } from 'node:module';
import tty from 'node:tty';

const require = createRequire(import.meta.url);
const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const F_GETFL = 3;
const F_SETFL = 4;
const O_NONBLOCK = 0o4000;
/** poll(2)'s event bits. */
export const POLLIN = 0x1;
export const POLLOUT = 0x4;

interface Libc {
  pipe2(fds: number[], flags: number): number;
  close(fd: number): number;
  fcntl(fd: number, command: number, argument: number): number;
  poll(fds: Buffer, count: number, timeoutMs: number): number;
}

let libc: Libc | null | undefined;

/** libc's pipe2, fcntl and poll through koffi (loaded once per thread); null where they cannot be called. */
function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    const koffi = require('koffi') as { load(name: string): { func(signature: string): (...args: unknown[]) => number } };
    const lib = koffi.load('libc.so.6');
    libc = {
      pipe2: lib.func('int pipe2(_Out_ int *fds, int flags)') as Libc['pipe2'],
      close: lib.func('int close(int fd)') as Libc['close'],
      fcntl: lib.func('int fcntl(int fd, int cmd, int arg)') as Libc['fcntl'],
      poll: lib.func('int poll(void *fds, unsigned long nfds, int timeout)') as Libc['poll'],
    };
  } catch {
    libc = null;
  }
  return libc;
}

/**
 * A real pipe from pipe(2), both ends close-on-exec. Node gives a child's stdout a Unix socket pair, where a reader
 * that goes away gives the writer ECONNRESET; through a pipe the job meets EPIPE (Python's BrokenPipeError), exactly
 * as in a shell pipeline. Undefined where pipe2 cannot be called (not Linux, no koffi): the caller uses Node's own.
 */
export function createPipe(): { read: number; write: number } | undefined {
  const c = loadLibc();
  if (c === null) return undefined;
  const fds = [-1, -1];
  if (c.pipe2(fds, O_CLOEXEC) !== 0) return undefined;
  return { read: fds[0] as number, write: fds[1] as number };
}

const F_DUPFD_CLOEXEC = 1030;

/** A second descriptor, close-on-exec, for what `fd` is open on; undefined where fcntl cannot be called or fails. */
export function duplicateDescriptor(fd: number): number | undefined {
  const c = loadLibc();
  if (c === null) return undefined;
  const copy = c.fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return copy >= 0 ? copy : undefined;
}

/**
 * Closes a descriptor made by createPipe. Node's fs.closeSync would do, except on a worker thread, which warns about
 * closing what it did not open.
 */
export function closeDescriptor(fd: number): void {
  const c = loadLibc();
  if (c === null) fs.closeSync(fd);
  else c.close(fd);
}

/**
 * Asks for a pipe that holds `bytes` (Linux's default is 64 KB): a job that prints in bursts then writes on while the
 * reader is busy for a moment. Best effort: the size stays as it was where the kernel refuses (pipe-max-size).
 */
export function growPipe(fd: number, bytes: number): void {
  loadLibc()?.fcntl(fd, F_SETPIPE_SZ, bytes);
}

/** Makes writes and reads on `fd` return EAGAIN instead of blocking, or block again. */
export function setNonBlocking(fd: number, on: boolean): void {
  const c = loadLibc();
  if (c === null) return;
  const flags = c.fcntl(fd, F_GETFL, 0);
  if (flags >= 0) c.fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

/**
 * poll(2) over a set of descriptors, reused from call to call: `watch` sets what to wait for, `wait` blocks (the
 * calling thread only) until one is ready or `timeoutMs` passes (-1: no limit), and `ready` reads what happened.
 * Undefined where poll cannot be called.
 */
export class PollSet {
  private readonly entries: Buffer;
  private readonly poll: Libc['poll'];

  private constructor(
    poll: Libc['poll'],
    readonly size: number,
  ) {
    this.poll = poll;
    this.entries = Buffer.alloc(8 * size);
    for (let i = 0; i < size; i++) this.entries.writeInt32LE(-1, 8 * i);
  }

  static create(size: number): PollSet | undefined {
    const c = loadLibc();
    return c === null ? undefined : new PollSet(c.poll, size);
  }

  /** Slot `slot` waits for `events` on `fd`; a negative fd leaves the slot out. */
  watch(slot: number, fd: number, events: number): void {
    this.entries.writeInt32LE(fd, 8 * slot);
    this.entries.writeInt16LE(events, 8 * slot + 4);
    this.entries.writeInt16LE(0, 8 * slot + 6);
  }

  /** The number of slots with something to report (0 on timeout); EINTR counts as 0. */
  wait(timeoutMs: number): number {
    const count = this.poll(this.entries, this.size, timeoutMs);
    return count < 0 ? 0 : count;
  }

  /** What slot `slot` reported: the events that happened, POLLHUP (the writers are gone) and POLLERR included. */
  ready(slot: number): number {
    return this.entries.readInt16LE(8 * slot + 6);
  }
}

/**
 * Whether someone may read what goes to `fd` as it comes: a terminal, a pipe (`| tee`, `| less`) or a socket. A
 * regular file or a device such as /dev/null is read later if at all (`tail -f` sees its lines a little later).
 * True when it cannot be told.
 */
export function readLive(fd: number): boolean {
  try {
    if (tty.isatty(fd)) return true;
    const stat = fs.fstatSync(fd);
    return stat.isFIFO() || stat.isSocket() || !(stat.isFile() || stat.isCharacterDevice());
  } catch {
    return true;
  }
}
