import type { Store } from '../record/index.js';

/** What `startRun` takes. Every field is optional. */
export interface StartRunOptions {
  /** The run's name (default: the experiment, else the script's file name). */
  name?: string;
  /** The experiment (project) the run belongs to, as prov4ml's `experiment_name`. */
  experiment?: string;
  /** Where to record: a store folder or `.db` file, or an open Store (default: `$RUNMETER_STORE`, else `~/.runmeter`). */
  store?: string | Store;
  /** Record on this `runmeter server` instead of a store (default: `$RUNMETER_SERVER` when no store is given). */
  server?: string;
  /** The token for `server` (default: `$RUNMETER_TOKEN`). */
  token?: string;
  /** `true`: every call writes before its promise resolves. Default `false`: metrics are buffered and written in batches. */
  synchronous?: boolean;
  /** Params to record at the start, as `logParams` does. */
  params?: Record<string, unknown>;
  /** Tags to add to the run. */
  tags?: string[];
  /** Attach to the run of `runmeter run` when started by it (`RUNMETER_RUN_ID` is set). Default `true`. */
  attach?: boolean;
  /** Buffered mode: write at least this often, in ms (default 1000). */
  flushIntervalMs?: number;
  /** Buffered mode: write as soon as this many points wait (default 65536). */
  flushPoints?: number;
  /** The environment to read `RUNMETER_RUN_ID` and `RUNMETER_STORE` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Where a metric point belongs: its context, step and epoch, and when it was measured. */
export interface MetricOptions {
  /** `Context.TRAINING`, `Context.VALIDATION`, ... or any string. Default: implied by the name (`val_loss` is validation), else training. */
  context?: string;
  /** The global step (batch number); a finite number. */
  step?: number;
  /** The epoch; a finite number. */
  epoch?: number;
  /** When the value was measured: ms since the epoch, or a Date (default: now). */
  timestamp?: number | Date;
}

/** How a run ended, as `end()` takes it. */
export type EndStatus = 'succeeded' | 'failed' | 'killed';

/** Options of `logArtifact`. */
export interface ArtifactOptions {
  /** The context the artifact belongs to (e.g. `Context.EVALUATION`). */
  context?: string;
  /** The name to record it under (default: the file's name). */
  name?: string;
}

/** Options of `logModel`. */
export interface ModelOptions extends ArtifactOptions {
  /** Batch size to count FLOPs at (default 1). */
  batch?: number;
}

/** The last argument of `logFlopsPerBatch` and `logFlopsPerEpoch`. */
export interface FlopsOptions {
  /**
   * Count the backward pass too (≈ 3 × the forward pass). Default: true in the `training` context, else false.
   * `false` records the forward pass alone, as prov4ml does.
   */
  training?: boolean;
}
