import type { SeriesColumns } from '../../model/columns.js';
import { type SeriesKey, seriesKeyString } from '../../model/series.js';
import { CHUNK_SIZE, encodeBlocks, encodePoints, type PointColumns, summarize } from '../chunk-codec.js';
import { ChunkPoints } from './chunk-points.js';
import type { SqliteDatabase } from './database-file.js';
import { float64Blob, nullIfNaN } from './rows.js';

/**
 * Parts the open chunk gathers before they are folded into its chunk_points row: a batch writes its own points, and
 * a reader of the open chunk joins at most this many parts.
 */
const MAX_PARTS = 16;

/** The open (last, not yet full) chunk of a series, kept in memory so that appends never re-read it. */
interface SeriesTail {
  id: number;
  /** Points in the series, appended by this process or read back. */
  count: number;
  /** The count in the series row, as this process last wrote or read it. */
  written: number;
  chunkNo: number;
  chunkStart: number;
  n: number;
  columns: PointColumns;
  /** Points of the open chunk that are stored (in its chunk_points row and its parts). */
  stored: number;
  /** The open chunk's next part number; 0 when its points are all in its chunk_points row. */
  parts: number;
  /** What the points appended since the row was last written add to its summary. */
  pending: PendingSummary;
}

/** The summary of points not yet in the series row; NaN where none had the field. */
interface PendingSummary {
  points: number;
  min: number;
  max: number;
  last: number;
  firstTime: number;
  lastTime: number;
  firstStep: number;
  lastStep: number;
  firstEpoch: number;
  lastEpoch: number;
}

const emptyPending = (): PendingSummary => ({
  points: 0,
  min: Number.NaN,
  max: Number.NaN,
  last: Number.NaN,
  firstTime: Number.NaN,
  lastTime: Number.NaN,
  firstStep: Number.NaN,
  lastStep: Number.NaN,
  firstEpoch: Number.NaN,
  lastEpoch: Number.NaN,
});

const emptyColumns = (): PointColumns => ({
  time: new Float64Array(CHUNK_SIZE),
  step: new Float64Array(CHUNK_SIZE),
  epoch: new Float64Array(CHUNK_SIZE),
  value: new Float64Array(CHUNK_SIZE),
});

/** The first of the first `n` entries that is not NaN; NaN when none. */
function firstNumber(column: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) if (!Number.isNaN(column[i] as number)) return column[i] as number;
  return Number.NaN;
}

/** The last of the first `n` entries that is not NaN; NaN when none. */
function lastNumber(column: Float64Array, n: number): number {
  for (let i = n - 1; i >= 0; i--) if (!Number.isNaN(column[i] as number)) return column[i] as number;
  return Number.NaN;
}

/**
 * Appends points to series: fills each series' open chunk, seals it at CHUNK_SIZE, and keeps the series summary
 * (count, min, max, last, first and last x) current, so that reads never scan points. Safe with other writers:
 * when the stored count differs from ours, the tail is read again.
 */
export class SeriesWriter {
  private readonly ids = new Map<string, number>();
  /**
   * Ids by key object, per run: producers that reuse their key objects need no string per point. Bounded and
   * cleared when full, so producers that make a fresh key per point cost a map insert, not a growing table.
   */
  private readonly idsByKey = new Map<string, Map<SeriesKey, number>>();
  private readonly tails = new Map<number, SeriesTail>();
  private readonly statements;
  private readonly points: ChunkPoints;

  constructor(db: SqliteDatabase) {
    this.points = new ChunkPoints(db);
    this.statements = {
      insertSeries: db.prepare(
        `INSERT INTO series (run_id, key, name, kind, context, rank, node, device, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, key) DO NOTHING`,
      ),
      seriesId: db.prepare('SELECT id FROM series WHERE run_id = ? AND key = ?').pluck(),
      seriesCount: db.prepare('SELECT count FROM series WHERE id = ?').pluck(),
      lastChunk: db.prepare('SELECT no, start_index, n FROM chunks WHERE series_id = ? ORDER BY no DESC LIMIT 1'),
      nextPart: db.prepare('SELECT coalesce(max(part) + 1, 0) FROM chunk_parts WHERE series_id = ? AND no = ?').pluck(),
      writePart: db.prepare('INSERT OR REPLACE INTO chunk_parts (series_id, no, part, points) VALUES (?, ?, ?, ?)'),
      dropParts: db.prepare('DELETE FROM chunk_parts WHERE series_id = ? AND no = ?'),
      writeChunk: db.prepare(
        `INSERT OR REPLACE INTO chunks (series_id, no, start_index, n, t0, t1, s0, s1, e0, e1, vmin, vmax, vlast)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      writeBlocks: db.prepare('INSERT OR REPLACE INTO chunk_blocks (series_id, no, blocks) VALUES (?, ?, ?)'),
      writePoints: db.prepare('INSERT OR REPLACE INTO chunk_points (series_id, no, points) VALUES (?, ?, ?)'),
      updateSummary: db.prepare(
        `UPDATE series SET count = @count,
           min = CASE WHEN @min IS NULL THEN min WHEN min IS NULL OR @min < min THEN @min ELSE min END,
           max = CASE WHEN @max IS NULL THEN max WHEN max IS NULL OR @max > max THEN @max ELSE max END,
           last = @last, last_time = @lastTime, first_time = coalesce(first_time, @firstTime),
           first_step = coalesce(first_step, @firstStep), last_step = coalesce(@lastStep, last_step),
           first_epoch = coalesce(first_epoch, @firstEpoch), last_epoch = coalesce(@lastEpoch, last_epoch)
         WHERE id = ?`,
      ),
    };
  }

  /**
   * Appends points of one run, in columns. Call inside a transaction, and call `reset()` when it rolls back: the
   * open chunks kept in memory must not hold points the database does not.
   */
  appendColumns(runId: string, batches: readonly SeriesColumns[]): void {
    let byKey = this.idsByKey.get(runId);
    if (byKey === undefined) {
      byKey = new Map();
      this.idsByKey.set(runId, byKey);
    }
    for (const batch of batches) {
      if (batch.n === 0) continue;
      let id = byKey.get(batch.series);
      if (id === undefined) {
        id = this.seriesId(runId, seriesKeyString(batch.series), batch.series);
        if (byKey.size >= 4096) byKey.clear();
        byKey.set(batch.series, id);
      }
      this.appendToSeries(id, batch);
    }
  }

  /** Forgets cached state: after series were deleted, or a transaction that wrote through this writer rolled back. */
  reset(): void {
    this.ids.clear();
    this.idsByKey.clear();
    this.tails.clear();
  }

  private seriesId(runId: string, key: string, series: SeriesKey): number {
    const cacheKey = `${runId}\u001e${key}`;
    let id = this.ids.get(cacheKey);
    if (id === undefined) {
      this.statements.insertSeries.run(
        runId,
        key,
        series.name,
        series.kind,
        series.context ?? null,
        series.rank ?? null,
        series.node ?? null,
        series.device ?? null,
        series.unit ?? null,
      );
      id = this.statements.seriesId.get(runId, key) as number;
      this.ids.set(cacheKey, id);
    }
    return id;
  }

  private tail(id: number): SeriesTail {
    const stored = this.statements.seriesCount.get(id) as number;
    const cached = this.tails.get(id);
    if (cached !== undefined && cached.written === stored) return cached;
    const row = this.statements.lastChunk.get(id) as { no: number; start_index: number; n: number } | undefined;
    const tail: SeriesTail = {
      id,
      count: stored,
      written: stored,
      chunkNo: 0,
      chunkStart: 0,
      n: 0,
      columns: emptyColumns(),
      stored: 0,
      parts: 0,
      pending: emptyPending(),
    };
    if (row !== undefined) {
      if (row.n < CHUNK_SIZE) {
        const decoded = this.points.read(id, row.no);
        tail.columns.time.set(decoded.time);
        tail.columns.step.set(decoded.step);
        tail.columns.epoch.set(decoded.epoch);
        tail.columns.value.set(decoded.value);
        tail.chunkNo = row.no;
        tail.chunkStart = row.start_index;
        tail.n = row.n;
        tail.stored = row.n;
        tail.parts = this.statements.nextPart.get(id, row.no) as number;
      } else {
        tail.chunkNo = row.no + 1;
        tail.chunkStart = row.start_index + row.n;
      }
      // A writer that stopped between writing a full chunk and its summary row left the row behind the chunks.
      tail.count = Math.max(stored, row.start_index + row.n);
    }
    this.tails.set(id, tail);
    return tail;
  }

  private appendToSeries(id: number, batch: SeriesColumns): void {
    const tail = this.tail(id);
    const p = tail.pending;
    const n = batch.n;
    let from = 0;
    while (from < n) {
      // Copy as much as the open chunk takes, column by column.
      const count = Math.min(n - from, CHUNK_SIZE - tail.n);
      const to = from + count;
      tail.columns.time.set(batch.time.subarray(from, to), tail.n);
      tail.columns.step.set(batch.step.subarray(from, to), tail.n);
      tail.columns.epoch.set(batch.epoch.subarray(from, to), tail.n);
      tail.columns.value.set(batch.value.subarray(from, to), tail.n);
      tail.n += count;
      from = to;
      if (tail.n === CHUNK_SIZE) {
        this.writeChunk(tail);
        tail.chunkNo++;
        tail.chunkStart += CHUNK_SIZE;
        tail.n = 0;
        tail.stored = 0;
        tail.parts = 0;
      }
    }
    for (let i = 0; i < n; i++) {
      const value = batch.value[i] as number;
      if (!Number.isNaN(value)) {
        if (!(value >= p.min)) p.min = value;
        if (!(value <= p.max)) p.max = value;
      }
    }
    if (Number.isNaN(p.firstStep)) p.firstStep = firstNumber(batch.step, n);
    if (Number.isNaN(p.firstEpoch)) p.firstEpoch = firstNumber(batch.epoch, n);
    const lastStep = lastNumber(batch.step, n);
    if (!Number.isNaN(lastStep)) p.lastStep = lastStep;
    const lastEpoch = lastNumber(batch.epoch, n);
    if (!Number.isNaN(lastEpoch)) p.lastEpoch = lastEpoch;
    if (p.points === 0) p.firstTime = batch.time[0] as number;
    p.lastTime = batch.time[n - 1] as number;
    p.last = batch.value[n - 1] as number;
    p.points += n;
    tail.count += n;
    this.writeTail(tail);
  }

  /** Writes the open chunk (when it has points) and brings the summary row up to date. */
  private writeTail(tail: SeriesTail): void {
    const p = tail.pending;
    if (p.points === 0) return;
    if (tail.n > 0) this.writeChunk(tail);
    this.statements.updateSummary.run(
      {
        count: tail.count,
        min: nullIfNaN(p.min),
        max: nullIfNaN(p.max),
        last: nullIfNaN(p.last),
        firstTime: p.firstTime,
        lastTime: p.lastTime,
        firstStep: nullIfNaN(p.firstStep),
        lastStep: nullIfNaN(p.lastStep),
        firstEpoch: nullIfNaN(p.firstEpoch),
        lastEpoch: nullIfNaN(p.lastEpoch),
      },
      tail.id,
    );
    tail.written = tail.count;
    tail.pending = emptyPending();
  }

  /** Writes the chunk's summary row and blocks, and its points: the new ones as a part while the chunk is open. */
  private writeChunk(tail: SeriesTail): void {
    const s = summarize(tail.columns, 0, tail.n);
    this.statements.writeChunk.run(
      tail.id,
      tail.chunkNo,
      tail.chunkStart,
      tail.n,
      nullIfNaN(s.t0),
      nullIfNaN(s.t1),
      nullIfNaN(s.s0),
      nullIfNaN(s.s1),
      nullIfNaN(s.e0),
      nullIfNaN(s.e1),
      nullIfNaN(s.vmin),
      nullIfNaN(s.vmax),
      float64Blob(s.vlast),
    );
    this.statements.writeBlocks.run(tail.id, tail.chunkNo, encodeBlocks(tail.columns, 0, tail.n));
    if (tail.n < CHUNK_SIZE && tail.parts < MAX_PARTS) {
      if (tail.stored < tail.n) this.statements.writePart.run(tail.id, tail.chunkNo, tail.parts++, encodePoints(tail.columns, tail.stored, tail.n));
    } else {
      this.statements.writePoints.run(tail.id, tail.chunkNo, encodePoints(tail.columns, 0, tail.n));
      if (tail.parts > 0) this.statements.dropParts.run(tail.id, tail.chunkNo);
      tail.parts = 0;
    }
    tail.stored = tail.n;
  }
}
