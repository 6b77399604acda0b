// The pump: a thread that moves the job's output from its pipes to runmeter's own stdout and stderr as `cat` would,
// writes it to the run's files, and tells the ingest worker which ranges arrived when. It blocks in poll(2) and
// read(2), never in an event loop, and does nothing else: neither the main thread nor the store can slow the job.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { OutputStream } from '../model/output.js';
import { OutputTail } from '../model/output-tail.js';
import { testFault } from '../model/test-faults.js';
import { closeDescriptor, growPipe, POLLIN, POLLOUT, PollSet, readLive } from './os-pipe.js';
import { OutputRecorder } from './output-recorder.js';
import type { FromPump, PumpConfig } from './pump.js';

const config = workerData as PumpConfig;
const main = parentPort;
if (main === null) throw new Error('pump-worker must run as a worker thread');
const say = (message: FromPump) => main.postMessage(message);

/** The most one read takes: the size the job's pipes are grown to. */
const READ_BYTES = 1 << 20;
/** A read under this is light traffic; a larger one means a flood, which is read on without pause. */
const LIGHT_BYTES = 64 * 1024;
/**
 * In light traffic, reads are at least this far apart, so that a job printing line by line is read in batches: each
 * wake-up of a thread costs ~100-300 us of CPU on a VM (each system call exits to the hypervisor), more than reading
 * a few lines. Output reaches the terminal at most this late (a progress bar redrawn ten times a second keeps its pace).
 */
const READ_GAP_MS = 100;
/** The same where no one reads runmeter's output live (both streams go to files or /dev/null): one read per tell. */
const UNREAD_GAP_MS = 250;
/**
 * The ingest worker hears of new output at most this often (or at once past a megabyte). Each message wakes it and
 * ends in a store transaction (~15 pages written to SQLite's log), so this sets the store's commit rate under a steady
 * stream of lines: four a second. A line printed after a quiet spell is told at once.
 */
const TELL_GAP_MS = 250;
/**
 * A pause between reads lasts no longer than the job, at the rate it printed since the last pause, takes to write
 * this much: half a pipe of the default size, so a job printing fast never finds its pipe full because of a pause
 * (a pause of a whole gap after each short read held a job printing 60 MB/s of lines to ~4 MB/s).
 */
const PAUSE_FILL_BYTES = 32 * 1024;
const TELL_BYTES = 1 << 20;
const STOP = 0x73; // 's' on the wake pipe: stop reading

interface Stream {
  name: OutputStream;
  /** The read end of the job's pipe; -1 once it is closed. */
  from: number;
  /** Where the job's bytes go on: runmeter's own descriptor. */
  to: number;
  /** Whether `to` still takes bytes (its reader went away: EPIPE). */
  writable: boolean;
  /** Whether the last write to `to` failed otherwise (said once per spell). */
  failing: boolean;
}

const streams: Stream[] = (['stdout', 'stderr'] as const).map((name) => ({
  name,
  from: config.from[name],
  to: config.to[name],
  writable: true,
  failing: false,
}));
// Where runmeter's own output is a pipe too (`runmeter run ... | tee log`), it grows like the job's: a megabyte
// moves in one write, not sixteen wake-ups of the reader. Nothing happens to a terminal or a file.
for (const stream of streams) growPipe(stream.to, READ_BYTES);
const readGapMs = streams.some((s) => readLive(s.to)) ? READ_GAP_MS : UNREAD_GAP_MS;
const buffer = Buffer.allocUnsafe(READ_BYTES);
const tail = new OutputTail();
const lastByte: Record<OutputStream, number> = { stdout: 0x0a, stderr: 0x0a };
function pollSet(size: number): PollSet {
  const set = PollSet.create(size);
  if (set === undefined) throw new Error('poll(2) cannot be called here');
  return set;
}
const polls = pollSet(3);
const waitOut = pollSet(2);
let untold = 0;
let toldAt = 0;
const recorder = new OutputRecorder(
  config.files,
  (entries) => config.ingest.postMessage({ type: 'output', entries }),
  (message) => say({ type: 'warning', message }),
  false,
);
const fault = testFault('pump');
let stopping = false;
let chunks = 0;

/** Reads the wake pipe: the main thread's word to stop. */
function readWake(): void {
  const word = Buffer.alloc(16);
  try {
    const read = fs.readSync(config.wake, word, 0, word.length, null);
    if (read === 0 || word.subarray(0, read).includes(STOP)) stopping = true;
  } catch {
    stopping = true;
  }
}

/** The stream's pipe is done with (the job and its children closed it, or we stop reading it). */
function close(stream: Stream): void {
  if (stream.from < 0) return;
  closeDescriptor(stream.from);
  stream.from = -1;
  say({ type: 'closed', stream: stream.name });
}

/**
 * Writes all of `bytes` to the stream's destination, waiting while it is full; false once its reader is gone (EPIPE).
 * Any other failure (a full disk under `> file`) loses these bytes there, as the job's own write would have; they are
 * still recorded, and the job is not told.
 */
function forward(stream: Stream, bytes: Buffer): boolean {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(stream.to, bytes, done, bytes.length - done);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // Ours is a non-blocking descriptor (shared with the shell's terminal or pipe): wait until it takes more.
        waitOut.watch(0, stream.to, POLLOUT);
        waitOut.watch(1, config.wake, POLLIN);
        waitOut.wait(-1);
        if ((waitOut.ready(1) & POLLIN) !== 0) readWake();
        if (stopping) return true;
      } else if (code === 'EPIPE') return false;
      else if (code !== 'EINTR') {
        if (!stream.failing) say({ type: 'warning', message: `cannot pass the job's ${stream.name} on (${code}); it is still recorded` });
        stream.failing = true;
        return true;
      }
    }
  }
  stream.failing = false;
  return true;
}

/** Takes one read from the stream's pipe; the bytes read (0 at its end). */
function pump(stream: Stream): number {
  fault?.(++chunks);
  let read: number;
  try {
    read = fs.readSync(stream.from, buffer, 0, READ_BYTES, null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EINTR') return 0;
    read = 0;
  }
  if (read === 0) {
    close(stream);
    return 0;
  }
  const time = Date.now();
  const bytes = buffer.subarray(0, read);
  if (stream.writable && !forward(stream, bytes)) {
    // The reader went away (`runmeter run ... | head`): the job's next write there fails, as it would without runmeter.
    stream.writable = false;
    close(stream);
  }
  // Recording is runmeter's business: whatever goes wrong there never reaches the job's output.
  try {
    tail.push(bytes);
    lastByte[stream.name] = bytes[read - 1] as number;
    recorder.record(stream.name, bytes, time);
    untold += read;
  } catch (error) {
    say({ type: 'warning', message: `recording the job's ${stream.name} failed (${(error as Error).message}); it still passes through` });
  }
  return read;
}

/**
 * Sleeps up to `ms` unless the main thread says stop before, or a pipe's writers are all gone (the job exited): the
 * pipes are watched for nothing else (poll reports POLLHUP whatever it was asked), so the job's last lines are read and
 * the run ends at once, not a pause or two later (two pauses of 250 ms made a 20 s job printing a line a millisecond
 * take 0.5 s longer under runmeter).
 */
function pause(ms: number): void {
  for (const [i, s] of streams.entries()) polls.watch(i, s.from, 0);
  polls.watch(2, config.wake, POLLIN);
  if (polls.wait(ms) !== 0 && (polls.ready(2) & POLLIN) !== 0) readWake();
}

/** Tells the ingest worker what arrived, when it is due (or `now`). */
function tell(now: boolean): void {
  if (untold === 0 || (!now && untold < TELL_BYTES && Date.now() - toldAt < TELL_GAP_MS)) return;
  recorder.flush();
  untold = 0;
  toldAt = Date.now();
}

/** How long to pause after a short read: the read gap, or less where the job prints fast (see PAUSE_FILL_BYTES). */
function pauseMs(bytes: number, elapsedMs: number): number {
  const perMs = bytes / Math.max(1, elapsedMs);
  return perMs === 0 ? readGapMs : Math.min(readGapMs, Math.floor(PAUSE_FILL_BYTES / perMs));
}

function run(): void {
  let readAt = 0;
  /** When the last pause began, and the bytes read since. */
  let pausedAt = Date.now();
  let sincePause = 0;
  while (!stopping && streams.some((s) => s.from >= 0)) {
    for (const [i, s] of streams.entries()) polls.watch(i, s.from, POLLIN);
    polls.watch(2, config.wake, POLLIN);
    // Wait for output; while some is untold, no longer than until it is due.
    const due = untold === 0 ? -1 : Math.max(0, TELL_GAP_MS - (Date.now() - toldAt));
    const ready = polls.wait(due);
    if (ready === 0) {
      tell(true);
      continue;
    }
    if ((polls.ready(2) & POLLIN) !== 0) readWake();
    if (stopping) break;
    let heaviest = 0;
    for (const [i, s] of streams.entries()) {
      if (s.from < 0 || polls.ready(i) === 0) continue;
      const read = pump(s);
      heaviest = Math.max(heaviest, read);
      sincePause += read;
    }
    // A flood is read on at once. Light traffic that comes often (a job printing line by line) is read in batches:
    // a pause after each read lets the next lines gather, one wake-up for many; shorter where lines come fast.
    const now = Date.now();
    if (heaviest > 0 && heaviest < LIGHT_BYTES && now - readAt < 2 * readGapMs) {
      tell(false);
      const ms = pauseMs(sincePause, now - pausedAt);
      pausedAt = Date.now();
      sincePause = 0;
      if (ms > 0) pause(ms);
    }
    readAt = now;
    tell(false);
  }
}

/** Bytes each stream may still give once told to stop: what its pipe held then, not what orphans write on. */
const DRAIN_BYTES = 2 * READ_BYTES;

/**
 * Told to stop (the job's output grace is over): reads what the pipes hold already, which the job wrote before it
 * ended (on a busy machine this thread may start late), then lets them go.
 */
function drain(): void {
  for (const [i, stream] of streams.entries()) {
    let left = DRAIN_BYTES;
    while (stream.from >= 0 && left > 0) {
      polls.watch(0, -1, 0);
      polls.watch(1, -1, 0);
      polls.watch(2, -1, 0);
      polls.watch(i, stream.from, POLLIN);
      if (polls.wait(0) === 0) break;
      const read = pump(stream);
      if (read === 0) break;
      left -= read;
    }
  }
}

try {
  run();
  drain();
  for (const stream of streams) close(stream);
  finish(true);
} catch (error) {
  // The pipes stay open: the main thread reads them from where this left off, so the job never waits on them.
  say({ type: 'warning', message: `runmeter's output thread failed (${(error as Error).message}); the main thread passes the job's output on` });
  finish(false);
}

function finish(completed: boolean): void {
  try {
    recorder.flush();
    recorder.close();
  } catch {}
  config.ingest.postMessage({ type: 'output-end' });
  const open = streams.filter((s) => s.from >= 0).map((s) => s.name);
  say({ type: 'done', completed, open, offsets: recorder.offsets, unrecorded: recorder.unrecorded, tail: tail.text(), lastByte });
}
