import type { JsonValue, KeyMetric, RunJson, SeriesJson } from '../model/json-shape.js';
import type { Artifact, OutputStream, SeriesData } from '../store/store.js';
import type { ChartPlacement } from './charts.js';
import type { FlopsThroughput } from './throughput.js';

export type { ChartPlacement, FlopsThroughput, JsonValue, KeyMetric };

// The shapes the HTTP API returns, shared with the web app (which imports these types and nothing else from src/)
// and with the CLI's --json outputs: all built by src/model/json-shape.ts, documented in docs/json.md. Every JSON body
// also carries `schemaVersion` (added in app.ts).

/** A run as the API returns it: the stored run, its duration so far, and its key metrics' last values. */
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

/** GET /api/v1/runs */
export interface RunsResponse {
  runs: RunView[];
}

/** GET /api/v1/runs/:run */
export interface RunResponse {
  run: RunView;
  /** Bytes recorded per output stream. */
  output: Record<OutputStream, number>;
  artifacts: Artifact[];
  /** Achieved FLOP/s per FLOPs label, when the run logged FLOPs. */
  flops: FlopsThroughput[];
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
  | { type: 'log'; runId: string; stdout: number; stderr: number };
