import type Database from 'better-sqlite3';
import type { SeriesPoint } from '../../model/point.js';
import { type SeriesKey, seriesKeyString } from '../../model/series.js';
import { CHUNK_SIZE, decodePoints, encodeBlocks, encodePoints, type PointColumns, summarize } from '../chunk-codec.js';
import { float64Blob, nullIfNaN } from './rows.js';

/** The open (last, not yet full) chunk of a series, kept in memory so that appends never re-read it. */
interface SeriesTail {
  id: number;
  /** Points in the series, as this process last wrote or read it. */
  count: number;
  chunkNo: number;
  chunkStart: number;
  n: number;
  columns: PointColumns;
}

const emptyColumns = (): PointColumns => ({
  time: new Float64Array(CHUNK_SIZE),
  step: new Float64Array(CHUNK_SIZE),
  epoch: new Float64Array(CHUNK_SIZE),
  value: new Float64Array(CHUNK_SIZE),
});

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

  constructor(db: Database.Database) {
    this.statements = {
      insertSeries: db.prepare(
        `INSERT INTO series (run_id, key, name, kind, context, rank, node, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, key) DO NOTHING`,
      ),
      seriesId: db.prepare('SELECT id FROM series WHERE run_id = ? AND key = ?').pluck(),
      seriesCount: db.prepare('SELECT count FROM series WHERE id = ?').pluck(),
      lastChunk: db.prepare(
        'SELECT c.no, c.start_index, c.n, p.points FROM chunks c JOIN chunk_points p USING (series_id, no) WHERE c.series_id = ? ORDER BY c.no DESC LIMIT 1',
      ),
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

  /** Appends points of one run. Call inside a transaction. */
  append(runId: string, points: readonly SeriesPoint[]): void {
    const bySeries = new Map<number, SeriesPoint[]>();
    let byKey = this.idsByKey.get(runId);
    if (byKey === undefined) {
      byKey = new Map();
      this.idsByKey.set(runId, byKey);
    }
    let lastSeries: SeriesKey | undefined;
    let lastGroup: SeriesPoint[] | undefined;
    for (const point of points) {
      if (point.series !== lastSeries || lastGroup === undefined) {
        let id = byKey.get(point.series);
        if (id === undefined) {
          id = this.seriesId(runId, seriesKeyString(point.series), point.series);
          if (byKey.size >= 4096) byKey.clear();
          byKey.set(point.series, id);
        }
        lastGroup = bySeries.get(id);
        if (lastGroup === undefined) {
          lastGroup = [];
          bySeries.set(id, lastGroup);
        }
        lastSeries = point.series;
      }
      lastGroup.push(point);
    }
    for (const [id, group] of bySeries) this.appendToSeries(id, group);
  }

  /** Forgets cached state, after series were deleted. */
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
      );
      id = this.statements.seriesId.get(runId, key) as number;
      this.ids.set(cacheKey, id);
    }
    return id;
  }

  private tail(id: number): SeriesTail {
    const stored = this.statements.seriesCount.get(id) as number;
    const cached = this.tails.get(id);
    if (cached !== undefined && cached.count === stored) return cached;
    const row = this.statements.lastChunk.get(id) as { no: number; start_index: number; n: number; points: Buffer } | undefined;
    const tail: SeriesTail = { id, count: stored, chunkNo: 0, chunkStart: 0, n: 0, columns: emptyColumns() };
    if (row !== undefined) {
      if (row.n < CHUNK_SIZE) {
        const decoded = decodePoints(row.points);
        tail.columns.time.set(decoded.time);
        tail.columns.step.set(decoded.step);
        tail.columns.epoch.set(decoded.epoch);
        tail.columns.value.set(decoded.value);
        tail.chunkNo = row.no;
        tail.chunkStart = row.start_index;
        tail.n = row.n;
      } else {
        tail.chunkNo = row.no + 1;
        tail.chunkStart = row.start_index + row.n;
      }
    }
    this.tails.set(id, tail);
    return tail;
  }

  private appendToSeries(id: number, points: SeriesPoint[]): void {
    const tail = this.tail(id);
    let min = Number.NaN;
    let max = Number.NaN;
    let firstStep = Number.NaN;
    let lastStep = Number.NaN;
    let firstEpoch = Number.NaN;
    let lastEpoch = Number.NaN;
    for (const point of points) {
      const i = tail.n;
      const step = point.step ?? Number.NaN;
      const epoch = point.epoch ?? Number.NaN;
      const value = point.value;
      tail.columns.time[i] = point.time;
      tail.columns.step[i] = step;
      tail.columns.epoch[i] = epoch;
      tail.columns.value[i] = value;
      tail.n++;
      if (!Number.isNaN(value)) {
        if (!(value >= min)) min = value;
        if (!(value <= max)) max = value;
      }
      if (!Number.isNaN(step)) {
        if (Number.isNaN(firstStep)) firstStep = step;
        lastStep = step;
      }
      if (!Number.isNaN(epoch)) {
        if (Number.isNaN(firstEpoch)) firstEpoch = epoch;
        lastEpoch = epoch;
      }
      if (tail.n === CHUNK_SIZE) {
        this.writeChunk(tail);
        tail.chunkNo++;
        tail.chunkStart += CHUNK_SIZE;
        tail.n = 0;
      }
    }
    if (tail.n > 0) this.writeChunk(tail);
    tail.count += points.length;
    const first = points[0] as SeriesPoint;
    const last = points[points.length - 1] as SeriesPoint;
    this.statements.updateSummary.run(
      {
        count: tail.count,
        min: nullIfNaN(min),
        max: nullIfNaN(max),
        last: nullIfNaN(last.value),
        firstTime: first.time,
        lastTime: last.time,
        firstStep: nullIfNaN(firstStep),
        lastStep: nullIfNaN(lastStep),
        firstEpoch: nullIfNaN(firstEpoch),
        lastEpoch: nullIfNaN(lastEpoch),
      },
      id,
    );
  }

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
    this.statements.writePoints.run(tail.id, tail.chunkNo, encodePoints(tail.columns, 0, tail.n));
  }
}
