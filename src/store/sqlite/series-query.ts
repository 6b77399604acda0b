// Reading a series back: bucketed for charts, or point by point for exports.

import { BucketBuilder, overlaps, summaryRange } from '../buckets.js';
import { BLOCK_FIELDS, blockColumns, blockRangeFields, type Summary } from '../chunk-codec.js';
import type { IndexedPoints, SeriesData, SeriesQuery } from '../store.js';
import { ChunkPoints } from './chunk-points.js';
import type { SqliteDatabase } from './database-file.js';
import { float64FromBlob } from './rows.js';

/** Up to this many points in range, a query reads the points themselves (about 8 MB of chunks). */
const RAW_POINT_LIMIT = 256_000;

interface ChunkRow {
  no: number;
  start_index: number;
  n: number;
  t0: number | null;
  t1: number | null;
  s0: number | null;
  s1: number | null;
  e0: number | null;
  e1: number | null;
  vmin: number | null;
  vmax: number | null;
  vlast: Buffer;
}

const toSummary = (row: ChunkRow): Summary => ({
  n: row.n,
  t0: row.t0 ?? Number.NaN,
  t1: row.t1 ?? Number.NaN,
  s0: row.s0 ?? Number.NaN,
  s1: row.s1 ?? Number.NaN,
  e0: row.e0 ?? Number.NaN,
  e1: row.e1 ?? Number.NaN,
  vmin: row.vmin ?? Number.NaN,
  vmax: row.vmax ?? Number.NaN,
  vlast: float64FromBlob(row.vlast),
});

/** Buckets a series for a chart: from its points, its chunk summaries or its block summaries, whichever is cheapest. */
export function querySeries(db: SqliteDatabase, seriesId: number, query: SeriesQuery): SeriesData {
  const buckets = Math.max(1, Math.min(100_000, Math.floor(query.buckets)));
  const rows = db
    .prepare('SELECT no, start_index, n, t0, t1, s0, s1, e0, e1, vmin, vmax, vlast FROM chunks WHERE series_id = ? ORDER BY no')
    .all(seriesId) as ChunkRow[];
  const chunks = rows.map((row) => ({ no: row.no, summary: toSummary(row) }));
  let from = query.from ?? Number.POSITIVE_INFINITY;
  let to = query.to ?? Number.NEGATIVE_INFINITY;
  if (query.from === undefined || query.to === undefined) {
    for (const { summary } of chunks) {
      const [lo, hi] = summaryRange(summary, query.x);
      if (Number.isNaN(lo)) continue;
      if (query.from === undefined) from = Math.min(from, lo);
      if (query.to === undefined) to = Math.max(to, hi);
    }
  }
  const inRange = chunks.filter(({ summary }) => overlaps(summary, query.x, from, to));
  if (inRange.length === 0) return { seriesId, x: query.x, resolution: 'raw', total: 0, xs: [], min: [], max: [], last: [], count: [] };
  const points = inRange.reduce((sum, { summary }) => sum + summary.n, 0);

  // The cheapest level that still gives every bucket something: points when few, else a chunk summary per
  // bucket or more, else block summaries. A zoomed-out view of any length reads summaries only.
  if (points <= RAW_POINT_LIMIT) return bucketPoints(db, seriesId, query, inRange, from, to, buckets);
  if (inRange.length >= buckets) {
    const builder = new BucketBuilder(seriesId, query.x, 'chunk', from, to, buckets, false);
    for (const { summary } of inRange) builder.add(Math.min(to, summaryRange(summary, query.x)[1]), summary.n, summary.vmin, summary.vmax, summary.vlast);
    return builder.result();
  }
  const blob = db.prepare('SELECT blocks FROM chunk_blocks WHERE series_id = ? AND no = ?').pluck();
  const builder = new BucketBuilder(seriesId, query.x, 'block', from, to, buckets, false);
  const [lo, hi] = blockRangeFields(query.x);
  for (const { no } of inRange) {
    const blocks = blockColumns(blob.get(seriesId, no) as Buffer);
    for (let at = 0; at < blocks.length; at += BLOCK_FIELDS) {
      const first = blocks[at + lo] as number;
      const last = blocks[at + hi] as number;
      if (Number.isNaN(first) || last < from || first > to) continue;
      builder.add(Math.min(to, last), blocks[at] as number, blocks[at + 7] as number, blocks[at + 8] as number, blocks[at + 9] as number);
    }
  }
  return builder.result();
}

/** Buckets the points of some chunks exactly (every point seen), or returns them one per bucket when few. */
function bucketPoints(
  db: SqliteDatabase,
  seriesId: number,
  query: SeriesQuery,
  chunks: Array<{ no: number }>,
  from: number,
  to: number,
  buckets: number,
): SeriesData {
  const points = new ChunkPoints(db);
  const columnsList = chunks.map(({ no }) => points.read(seriesId, no));
  let inside = 0;
  for (const columns of columnsList) {
    const xs = columns[query.x];
    for (let i = 0; i < xs.length; i++) if ((xs[i] as number) >= from && (xs[i] as number) <= to) inside++;
  }
  const builder = new BucketBuilder(seriesId, query.x, 'raw', from, to, buckets, inside <= buckets);
  for (const columns of columnsList) {
    const xs = columns[query.x];
    for (let i = 0; i < xs.length; i++) {
      const v = columns.value[i] as number;
      builder.add(xs[i] as number, 1, v, v, v);
    }
  }
  return builder.result();
}

/** The points of a series from `fromIndex` on, a chunk at a time. */
export function* readPoints(db: SqliteDatabase, seriesId: number, fromIndex: number): Iterable<IndexedPoints> {
  const rows = db
    .prepare('SELECT no, start_index, n FROM chunks WHERE series_id = ? AND start_index + n > ? ORDER BY no')
    .all(seriesId, fromIndex) as ChunkRow[];
  const points = new ChunkPoints(db);
  for (const row of rows) {
    const columns = points.read(seriesId, row.no);
    const skip = Math.max(0, fromIndex - row.start_index);
    yield {
      start: row.start_index + skip,
      time: columns.time.subarray(skip),
      step: columns.step.subarray(skip),
      epoch: columns.epoch.subarray(skip),
      value: columns.value.subarray(skip),
    };
  }
}
