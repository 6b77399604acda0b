import type { MessagePort } from 'node:worker_threads';
import type { EnergyUse, GridIntensity } from '../model/energy.js';
import type { SeriesPoint } from '../model/point.js';
import type { NewRun, RunUpdate } from '../model/run.js';
import type { MemberUpdate } from '../model/run-members.js';
import type { ParseOptions } from '../parse/types.js';
import type { OutputStream } from '../record/index.js';
import type { RunModel } from './step-flops.js';

/**
 * Bytes of one output stream that arrived at `time`, at `offset` of the stream. They are in the stream's output file
 * at that offset, unless `bytes` is set: the write there failed (a full disk), and the bytes travel here instead.
 */
export interface OutputEntry {
  stream: OutputStream;
  offset: number;
  length: number;
  time: number;
  bytes?: Uint8Array;
}

/** What the main thread tells the ingest worker. */
export type ToWorker =
  | { type: 'output'; entries: OutputEntry[] }
  | { type: 'points'; points: SeriesPoint[] }
  /**
   * The job is over (or never started): record how it ended, once everything before this is recorded; `pumped`: once
   * the pump thread's last word (`output-end` on `outputPort`) is in too.
   */
  | { type: 'end'; update: RunUpdate; pumped?: boolean; energy?: { uses: EnergyUse[]; gridIntensity: GridIntensity } };

/** What the pump thread tells the ingest worker (on `WorkerConfig.outputPort`). */
export type FromPumpToWorker = { type: 'output'; entries: OutputEntry[] } | { type: 'output-end' };

/** What the ingest worker tells the main thread. */
export type FromWorker =
  | { type: 'warning'; message: string }
  /** The run is in the store (its first batch was applied). */
  | { type: 'recording' }
  | { type: 'done'; summary: RecordingSummary };

/** What was recorded, for the line runmeter prints at the end. */
export interface RecordingSummary {
  points: number;
  /** Training metrics by name: their last value and step. */
  metrics: Array<{ name: string; value: number; step?: number; epoch?: number; count: number }>;
  /** Whether everything recorded is in the store (or on the server). */
  stored: boolean;
  /** Points the store could not take yet: in the spool, merged by the next runmeter command that can write there. */
  spooledPoints: number;
  spoolDir?: string;
  /** Points that could be kept nowhere. */
  lostPoints: number;
  /** Output bytes dropped (a full disk, for long) to keep memory bounded; the job's own output was not touched. */
  droppedOutputBytes: number;
}

export interface WorkerConfig {
  /** The store to record in: the worker opens it, so the thread that drains the job's pipes never waits on it. */
  storeSpec: string;
  /** A team server to record on instead of the store (`run --server`): batches are spooled first, then posted. */
  server?: { url: string; token?: string };
  runId: string;
  /** The run to create (its id is runId). */
  run: NewRun & { id: string };
  /** `run --join`: this agent as a member of the joined run. */
  member?: MemberUpdate;
  /** Where to look up the git commit, and whether to describe the machine (GPUs, CPU). */
  cwd: string;
  describeMachine: boolean;
  /** Where the main thread (or the pump thread) appends each stream. */
  files: Record<OutputStream, string>;
  /** The pump thread's channel, when it moves the output: ranges of the files as they arrive, then `output-end`. */
  outputPort?: MessagePort;
  /** Whether those files are the store's own (batches index them) or a local copy (batches carry the bytes). */
  outputInStore: boolean;
  parse: ParseOptions;
  flushMs: number;
  /** The spool's bound (`--spool-limit`), in bytes. */
  spoolLimitBytes?: number;
  /** The model `run --model` counted: FLOPs per printed step, achieved TFLOP/s and MFU. */
  model?: RunModel;
  /** The job's channel for the Python client: the socket to listen on, and the module (URL) that serves it. */
  channel?: { socket: string; module: string };
}
