import type { BatchResult, RecordBatch } from '../model/batch.js';
import type { SeriesColumns } from '../model/columns.js';
import type { OutputChunk, OutputStream } from '../model/output.js';
import type { SeriesPoint } from '../model/point.js';
import type { NewRun, Run, RunStatus, RunUpdate } from '../model/run.js';
import type { SeriesKind, SeriesSummary } from '../model/series.js';

export type { OutputChunk, OutputStream } from '../model/output.js';
export type { SeriesSummary } from '../model/series.js';

/** The x axis a chart or query uses. Relative time is time minus the run's start, done by the caller. */
export type XAxis = 'time' | 'step' | 'epoch';

export interface SeriesQuery {
  x: XAxis;
  /** Inclusive x range; open ends when absent. */
  from?: number;
  to?: number;
  /** At most this many buckets come back. */
  buckets: number;
}

/**
 * Bucketed series data, column by column. Each bucket holds the min, max and last value of the points in it,
 * and `x` is the x of its last point. At full resolution every bucket is one point (min = max = last).
 */
export interface SeriesData {
  seriesId: number;
  x: XAxis;
  /** `raw`: one bucket per point. `block` and `chunk`: built from stored summaries, never from a scan. */
  resolution: 'raw' | 'block' | 'chunk';
  /** Points in the queried range. */
  total: number;
  xs: number[];
  min: number[];
  max: number[];
  last: number[];
  count: number[];
}

/** One stored point with its position in the series. */
export interface IndexedPoints {
  /** Index of the first point in the series. */
  start: number;
  time: Float64Array;
  step: Float64Array;
  epoch: Float64Array;
  value: Float64Array;
}

export interface RunFilter {
  status?: RunStatus | RunStatus[];
  /** Runs of this project; null: runs without one. */
  project?: string | null;
  /** Matches id, name, command and host, case-insensitively. */
  text?: string;
  limit?: number;
  offset?: number;
  /** Runs started before this time (ms). */
  startedBefore?: number;
}

/** A file recorded with a run (prov4ml's log_artifact / log_model). */
export interface Artifact {
  runId: string;
  name: string;
  kind: 'artifact' | 'model';
  /** Where the copy lives inside the store. */
  path: string;
  sourcePath: string;
  sha256: string;
  size: number;
  context?: string;
  time: number;
  meta: Record<string, unknown>;
}

/** A project and how many runs it has; `project` is undefined for the runs recorded without one. */
export interface ProjectSummary {
  project?: string;
  runs: number;
  /** When its newest run started (ms). */
  lastStart: number;
}

/** An API token of `runmeter server`, as stored: its name and a SHA-256 of it, never the token itself. */
export interface ApiToken {
  name: string;
  /** Hex SHA-256 of the token. */
  hash: string;
  createdAt: number;
}

/** A change seen by `watch`: which runs changed since the last version. */
export interface StoreChanges {
  version: number;
  runIds: string[];
}

/**
 * The only way into recorded data. The SQLite store is the embedded default; a server backend implements the same.
 * Every method may throw a RunmeterError with a stable code.
 */
export interface Store {
  /** Where the data lives, for messages: a path or a URL without its password. */
  readonly location: string;

  /** Creates a run; E_RUN_EXISTS when its id is taken. */
  createRun(run: NewRun): Promise<Run>;
  updateRun(id: string, update: RunUpdate): Promise<void>;
  /** Merges params into the run's params. */
  setParams(id: string, params: Record<string, unknown>): Promise<void>;
  /** Records that the agent recording `id` is alive. */
  heartbeat(id: string, time: number): Promise<void>;
  getRun(id: string): Promise<Run | undefined>;
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /** An id, a unique id prefix, a name (the newest run with it), or `last`. Throws E_RUN_NOT_FOUND naming the closest. */
  resolveRun(ref: string): Promise<Run>;
  /** Deletes runs with their points, output and artifacts, and gives the space back. Returns the bytes freed, roughly. */
  deleteRuns(ids: string[]): Promise<number>;
  /** Marks `running` runs on `host` whose agent is gone as `lost`. Returns them. */
  markLostRuns(host: string, isAlive: (pid: number, agentId?: string) => boolean): Promise<Run[]>;

  /**
   * Applies a recorder's batch (see RecordBatch) in one transaction: all of it or, when anything fails, none of it,
   * in the store and in what the store keeps in memory. Exactly once per identity (runId, producer, seq): a batch
   * whose seq is not above the last one applied for its producer changes nothing and returns `applied: false`.
   * Output pieces with bytes are written at their offsets first (idempotent). This is how everything that records
   * writes: the agent, the SDKs, `import`, and the server for its remote recorders.
   */
  applyBatch(batch: RecordBatch): Promise<BatchResult>;
  /** Appends points with no batch identity (tests, tools), in one transaction. Recorders use applyBatch. */
  appendPoints(runId: string, points: SeriesPoint[]): Promise<void>;
  /** As appendPoints, for points already in columns (no object per point). */
  appendColumns(runId: string, batches: SeriesColumns[]): Promise<void>;
  listSeries(runId: string): Promise<SeriesSummary[]>;
  /**
   * The series of many runs at once, in one query or a few (the runs table shows 10,000 runs' metric summaries),
   * ordered by run as `runIds` lists them, then as listSeries orders them. `kinds` keeps only those kinds.
   */
  listSeriesOfRuns(runIds: readonly string[], kinds?: readonly SeriesKind[]): Promise<SeriesSummary[]>;
  /** Every project with its number of runs, newest first; runs without a project make one entry without `project`. */
  listProjects(): Promise<ProjectSummary[]>;
  querySeries(seriesId: number, query: SeriesQuery): Promise<SeriesData>;
  /** Points from index `fromIndex` on, in order, a batch at a time. */
  readPoints(seriesId: number, fromIndex?: number): AsyncIterable<IndexedPoints>;

  /**
   * Where this store keeps a run's output stream as a file the agent may append to directly, if it does. `member`: a
   * joined run's member's stream (RunMember.key); each member of a joined run has streams of its own.
   */
  outputFile(runId: string, stream: OutputStream, member?: string): string | undefined;
  /** Appends bytes to a run's output stream. */
  appendOutput(runId: string, stream: OutputStream, bytes: Uint8Array, time: number): Promise<void>;
  /** Records index entries for bytes already appended to `outputFile` by the agent. */
  indexOutput(runId: string, chunks: OutputChunk[]): Promise<void>;
  /** The output index, in arrival order; with `page`, only entries [offset, offset + limit) of it. */
  outputChunks(runId: string, page?: { offset: number; limit: number }): Promise<OutputChunk[]>;
  /** A stream's size; with `member`, that member's stream; without, the run's own and all its members' together. */
  outputSize(runId: string, stream: OutputStream, member?: string): Promise<number>;
  /** `length` bytes of a stream from `offset` (fewer at its end); with `member`, of that member's stream. */
  readOutput(runId: string, stream: OutputStream, offset: number, length: number, member?: string): Promise<Uint8Array>;

  addArtifact(artifact: Artifact): Promise<void>;
  listArtifacts(runId: string): Promise<Artifact[]>;
  /** Where a run's artifacts are copied to, when the store keeps files. */
  artifactDir(runId: string): string | undefined;

  /** A number that grows whenever anything is written, and the runs written since `since`. */
  changes(since: number): Promise<StoreChanges>;

  /** Records a `runmeter server` API token by its hash; E_TOKEN_EXISTS when the name is taken. */
  addToken(name: string, hash: string, createdAt: number): Promise<void>;
  listTokens(): Promise<ApiToken[]>;
  /** Forgets a token; false when there was none by that name. */
  revokeToken(name: string): Promise<boolean>;

  close(): Promise<void>;
}
