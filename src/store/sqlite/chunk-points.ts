import { decodePoints, joinPoints, type PointColumns } from '../chunk-codec.js';
import type { SqliteDatabase } from './database-file.js';

/**
 * Reads a chunk's points: its chunk_points row, then the parts the open chunk gathered since (migration 7). The
 * statements are prepared once per database.
 */
export class ChunkPoints {
  private readonly base;
  private readonly parts;

  constructor(db: SqliteDatabase) {
    this.base = db.prepare('SELECT points FROM chunk_points WHERE series_id = ? AND no = ?').pluck();
    this.parts = db.prepare('SELECT points FROM chunk_parts WHERE series_id = ? AND no = ? ORDER BY part').pluck();
  }

  read(seriesId: number, no: number): PointColumns {
    const base = this.base.get(seriesId, no) as Buffer | undefined;
    const parts = this.parts.all(seriesId, no) as Buffer[];
    const decoded = [...(base === undefined ? [] : [base]), ...parts].map((blob) => decodePoints(blob));
    if (decoded.length === 0) return { time: new Float64Array(0), step: new Float64Array(0), epoch: new Float64Array(0), value: new Float64Array(0) };
    return joinPoints(decoded);
  }
}
