import type { JsonValue, RunJson, SeriesJson } from '../model/json-shape.js';
import type { ComparisonJson } from '../model/run-query/compare.js';
import type { Artifact, OutputStream, SeriesData } from '../store/store.js';
import type { ChartPlacement } from './charts.js';
import type { FlopsThroughput } from './throughput.js';

export type { ChartPlacement, FlopsThroughput, JsonValue };

// The shapes the HTTP API returns, shared with the web app (which imports these types and nothing else from src/)
// and with the CLI's --json outputs: built by src/model/json-shape.ts, documented in docs/json.md. Every JSON body
// also carries `schemaVersion` (added in app.ts).

/** A run's summary of one training metric, for the runs list: its last value and range. */
export interface KeyMetric {
  /** How columns and filters name it: the name, prefixed by its context when the name does not imply it (`validation/loss`). */
  key: string;
  name: string;
  context?: string;
  last: JsonValue;
  /** Smallest and largest value that is not NaN; null when every value is NaN. */
  min: JsonValue | null;
  max: JsonValue | null;
  count: number;
  seriesId: number;
  /** The unit the series' values are in, when it has one (`ms`, `GiB`). */
  unit?: string;
}

/** A run as the API returns it: the stored run, its duration so far, and its training metrics (losses first). */
export type RunView = RunJson & { metrics: KeyMetric[] };

/** A series as the API returns it: its summary, and the chart it belongs on. */
export type SeriesView = SeriesJson & { chart: ChartPlacement };

/** Raw points from index `start` on. A step or epoch is null where the point has none. */
export interface PointsView {
  start: number;
  time: number[];
  step: Array<number | null>;
  epoch: Array<number | null>;
  value: JsonValue[];
}

/** GET /api/v1/runs: the runs, and how many matched before `limit` cut them. */
export interface RunsResponse {
  runs: RunView[];
  total?: number;
}

/** GET /api/v1/projects */
export interface ProjectsResponse {
  projects: Array<{ project?: string; runs: number; lastStart: number }>;
}

/** GET /api/v1/session: what this dashboard may do, and the token its write requests carry (X-Runmeter-Token). */
export interface SessionResponse {
  readOnly: boolean;
  /** Given only to pages on a loopback address; elsewhere the page gets it from the URL `runmeter ui` printed. */
  token?: string;
}

/** PATCH /api/v1/runs/:run: what to change; absent fields stay as they are. */
export interface RunChangeRequest {
  name?: string;
  /** Markdown; an empty string removes the note. */
  note?: string;
  /** An empty string removes the run from its project. */
  project?: string;
  addTags?: string[];
  removeTags?: string[];
}

/** DELETE /api/v1/runs/:run */
export interface RunDeletedResponse {
  deleted: string;
  freedBytes: number;
}

/** Why a failed, killed or lost run ended, and where its output says so. */
export interface EndCause {
  text: string;
  /** `recorder`: run.cause as recorded; `traceback` and `error`: read from the output; `signal`, `exit`, `reason`: from the run. */
  source: 'recorder' | 'traceback' | 'error' | 'signal' | 'exit' | 'reason';
  /** Where the line is in the output: its stream and the byte offset where it starts. */
  stream?: OutputStream;
  offset?: number;
}

/** GET /api/v1/runs/:run */
export interface RunResponse {
  run: RunView;
  /** Bytes recorded per output stream. */
  output: Record<OutputStream, number>;
  artifacts: Artifact[];
  /** Achieved FLOP/s per FLOPs label, when the run logged FLOPs. */
  flops: FlopsThroughput[];
  /** Why the run ended, for a failed, killed or lost run. */
  endCause?: EndCause;
}

/** GET /api/v1/runs/:run/series */
export interface SeriesListResponse {
  runId: string;
  series: SeriesView[];
}

/** GET /api/v1/runs/:run/series/:series/data: buckets, and the series' point count they cover. */
export type SeriesDataResponse = Omit<SeriesData, 'min' | 'max' | 'last'> & {
  min: JsonValue[];
  max: JsonValue[];
  last: JsonValue[];
  seriesCount: number;
};

/** GET /api/v1/runs/:run/series/:series/points */
export type PointsResponse = PointsView & { seriesId: number; seriesCount: number };

/** GET /api/v1/compare?runs=a,b: the runs' labels by what differs, the params diff, each metric's final and best value. */
export type CompareResponse = ComparisonJson;

/** GET /api/v1/runs/:run/logs: bytes [offset, end) of a stream as text, with the arrival time of each piece. */
export interface LogResponse {
  runId: string;
  stream: OutputStream;
  offset: number;
  end: number;
  /** The stream's whole length now. */
  size: number;
  text: string;
  chunks: Array<{ offset: number; length: number; time: number }>;
}

/** What the live stream (GET /api/v1/live) pushes, one Server-Sent Event each, named by `type`. */
export type LiveEvent =
  | { type: 'run'; run: RunView }
  | { type: 'series'; runId: string; series: SeriesView[] }
  | ({ type: 'points'; runId: string; seriesId: number } & PointsView)
  | { type: 'log'; runId: string; stdout: number; stderr: number }
  | { type: 'removed'; runId: string };
