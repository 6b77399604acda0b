import type { SeriesColumns } from './columns.js';
import type { OutputChunk } from './output.js';
import type { NewRun, RunUpdate } from './run.js';
import type { MemberUpdate } from './run-member-types.js';

/**
 * A piece of a job's output in a batch. With `bytes`, the store writes them at `offset` of the stream (writing the
 * same bytes at the same offset twice changes nothing); without, they are in the store's output file already (the
 * agent appended them there) and only the index entry is recorded.
 */
export interface OutputPiece extends OutputChunk {
  bytes?: Uint8Array;
}

/**
 * Everything one recorder hands a store at once, applied all or nothing. `(runId, producer, seq)` is the batch's
 * identity: a store applies each identity once, so a batch sent again (a retry after a timeout, a spool shipped
 * twice) changes nothing the second time.
 */
export interface RecordBatch {
  runId: string;
  /** The recorder that made the batch: unique per recorder (host, pid, start time and a random part). */
  producer: string;
  /** 1, 2, 3, ... per producer, in the order the batches were made; a store applies them in that order. */
  seq: number;
  /** Creates the run when the store has no run with this id yet; leaves an existing run as it is (attaching, joining). */
  run?: NewRun & { id: string };
  update?: RunUpdate;
  /**
   * A joined run's member (`run --join`): created or changed with this batch. The run's status, end, exit code and
   * energy are then worked out again from all its members (run-members.ts joinedRunState).
   */
  member?: MemberUpdate;
  /** Merged into the run's params. */
  params?: Record<string, unknown>;
  /** Added to the run's tags (those it has already are not repeated). */
  tags?: string[];
  series?: SeriesColumns[];
  output?: OutputPiece[];
  /** The recorder was alive at this time (ms). */
  heartbeat?: number;
}

/** What applying a batch did: `applied` false when its identity had been applied before, and nothing changed. */
export interface BatchResult {
  applied: boolean;
}

/** Points in a batch. */
export function batchPoints(batch: Pick<RecordBatch, 'series'>): number {
  let n = 0;
  for (const series of batch.series ?? []) n += series.n;
  return n;
}
