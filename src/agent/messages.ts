import type { SeriesPoint } from '../model/point.js';
import type { ParseOptions } from '../parse/types.js';
import type { OutputStream } from '../store/store.js';

/** Bytes of one output stream that arrived at `time`: in the run's output file at `offset`, or carried here. */
export interface OutputEntry {
  stream: OutputStream;
  offset: number;
  length: number;
  time: number;
  /** Present when the bytes could not be written to the output file. */
  bytes?: Uint8Array;
}

/** What the main thread tells the ingest worker. */
export type ToWorker =
  | { type: 'output'; entries: OutputEntry[] }
  | { type: 'points'; points: SeriesPoint[] }
  /** The run exists in the store (record: true), or could not be created there (points go to the fallback file). */
  | { type: 'start'; record: boolean }
  | { type: 'end' };

/** What the ingest worker tells the main thread. */
export type FromWorker = { type: 'warning'; message: string } | { type: 'done'; summary: RecordingSummary };

/** What was recorded, for the line runmeter prints at the end. */
export interface RecordingSummary {
  points: number;
  /** Training metrics by name: their last value and step. */
  metrics: Array<{ name: string; value: number; step?: number; epoch?: number; count: number }>;
  /** Points that could not be stored and went to the fallback file instead. */
  fallbackPoints: number;
  fallbackFile?: string;
}

export interface WorkerConfig {
  /** The store to open once the run exists in it. */
  storeSpec: string;
  runId: string;
  files: Record<OutputStream, string>;
  parse: ParseOptions;
  flushMs: number;
  fallbackDir: string;
}
