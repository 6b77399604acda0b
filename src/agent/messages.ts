import type { SeriesPoint } from '../model/point.js';
import type { NewRun, RunUpdate } from '../model/run.js';
import type { ParseOptions } from '../parse/types.js';
import type { OutputStream } from '../store/store.js';

/** Bytes of one output stream that arrived at `time`: in the run's output file at `offset`, or carried here. */
export interface OutputEntry {
  stream: OutputStream;
  offset: number;
  length: number;
  time: number;
  /** Present when the bytes could not be written to any output file. */
  bytes?: Uint8Array;
  /** Present when the stream moved to another file (the fallback folder): this entry and those after it are there. */
  file?: string;
}

/** What the main thread tells the ingest worker. */
export type ToWorker =
  | { type: 'output'; entries: OutputEntry[] }
  | { type: 'points'; points: SeriesPoint[] }
  /** The job is over (or never started): record how it ended, once everything before this is stored. */
  | { type: 'end'; update: RunUpdate; files: Record<OutputStream, string> };

/** What the ingest worker tells the main thread. */
export type FromWorker =
  | { type: 'warning'; message: string }
  /** The run exists in the store at `location`, or could not be created there (`location` undefined). */
  | { type: 'recording'; location: string | undefined }
  | { type: 'done'; summary: RecordingSummary };

/** What was recorded, for the line runmeter prints at the end. */
export interface RecordingSummary {
  points: number;
  /** Training metrics by name: their last value and step. */
  metrics: Array<{ name: string; value: number; step?: number; epoch?: number; count: number }>;
  /** Points that could not be stored and went to the fallback file instead. */
  fallbackPoints: number;
  fallbackFile?: string;
  /** Whether the run is in the store; when not, what was recorded is in the fallback folder. */
  stored: boolean;
}

export interface WorkerConfig {
  /** The store to create the run in: the worker opens it, so the thread that drains the job's pipes never waits on it. */
  storeSpec: string;
  runId: string;
  /** The run to create (its id is runId). */
  run: NewRun;
  /** Where to look up the git commit, and whether to describe the machine (GPUs, CPU). */
  cwd: string;
  describeMachine: boolean;
  files: Record<OutputStream, string>;
  parse: ParseOptions;
  flushMs: number;
  fallbackDir: string;
}
