import type { SeriesColumns } from '../../model/columns.js';
import { type SeriesKey, seriesKeyString } from '../../model/series.js';
import { CHUNK_SIZE, decodePoints, encodeBlocks, encodePoints, type PointColumns, summarize } from '../chunk-codec.js';
import type { Client } from './connection.js';

/** The open (last, not yet full) chunk of a series, kept in memory so that appends never re-read it. */
interface SeriesTail {
  id: number;
  count: number;
  /** The count in the series row when this tail matched it; -1 while a transaction writes through it. */
  written: number;
  chunkNo: number;
  chunkStart: number;
  n: number;
  columns: PointColumns;
}

/** The fewest points an open chunk holds to be left short rather than filled by the next batch. */
const SEAL_AT = CHUNK_SIZE / 4;

const nullIfNaN = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** Chunks written by one statement at most (each carries up to CHUNK_SIZE points). */
const CHUNKS_PER_STATEMENT = 4;
/** Parameters of one chunk in a write statement: its 13 summary columns, its block summaries, its points. */
const CHUNK_PARAMS = 15;

const chunkWrites = new Map<string, { name: string; text: string }>();

/**
 * The statement that writes `count` chunks of one series (their summary rows, block summaries and points), and with
 * `summary` the series row too: the chunks of a batch and its summary go to PostgreSQL in one round trip.
 */
function chunkWrite(count: number, summary: boolean): { name: string; text: string } {
  const name = `rm_write_chunks_${count}${summary ? '_summary' : ''}`;
  const known = chunkWrites.get(name);
  if (known !== undefined) return known;
  const rows = (pick: (at: number) => string) => Array.from({ length: count }, (_, chunk) => `(${pick(chunk * CHUNK_PARAMS)})`).join(', ');
  const params = (at: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `$${at + from + i}`).join(', ');
  const s = count * CHUNK_PARAMS; // summary parameters follow the chunks'
  const text = `WITH
    c AS (INSERT INTO chunks (series_id, no, start_index, n, t0, t1, s0, s1, e0, e1, vmin, vmax, vlast)
          VALUES ${rows((at) => params(at, 1, 13))}
          ON CONFLICT (series_id, no) DO UPDATE SET start_index = EXCLUDED.start_index, n = EXCLUDED.n, t0 = EXCLUDED.t0, t1 = EXCLUDED.t1,
            s0 = EXCLUDED.s0, s1 = EXCLUDED.s1, e0 = EXCLUDED.e0, e1 = EXCLUDED.e1, vmin = EXCLUDED.vmin, vmax = EXCLUDED.vmax, vlast = EXCLUDED.vlast),
    b AS (INSERT INTO chunk_blocks (series_id, no, blocks) VALUES ${rows((at) => `$${at + 1}, $${at + 2}, $${at + 14}`)}
          ON CONFLICT (series_id, no) DO UPDATE SET blocks = EXCLUDED.blocks),
    p AS (INSERT INTO chunk_points (series_id, no, points) VALUES ${rows((at) => `$${at + 1}, $${at + 2}, $${at + 15}`)}
          ON CONFLICT (series_id, no) DO UPDATE SET points = EXCLUDED.points)
    ${
      summary
        ? `UPDATE series SET count = $${s + 1}, min = least(min, $${s + 2}), max = greatest(max, $${s + 3}), last = $${s + 4}, last_time = $${s + 5},
        first_time = coalesce(first_time, $${s + 6}), first_step = coalesce(first_step, $${s + 7}), last_step = coalesce($${s + 8}, last_step),
        first_epoch = coalesce(first_epoch, $${s + 9}), last_epoch = coalesce($${s + 10}, last_epoch)
      WHERE id = $1`
        : 'SELECT 1'
    }`;
  const statement = { name, text };
  chunkWrites.set(name, statement);
  return statement;
}

const statements = {
  lock: { name: 'rm_lock_series', text: 'SELECT id, count FROM series WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE' },
  lastChunk: {
    name: 'rm_last_chunk',
    text: 'SELECT c.no, c.start_index, c.n, p.points FROM chunks c JOIN chunk_points p USING (series_id, no) WHERE c.series_id = $1 ORDER BY c.no DESC LIMIT 1',
  },
  insertSeries: {
    name: 'rm_insert_series',
    text: `INSERT INTO series (run_id, key, name, kind, context, rank, node, device, unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (run_id, key) DO NOTHING RETURNING id`,
  },
  seriesId: { name: 'rm_series_id', text: 'SELECT id FROM series WHERE run_id = $1 AND key = $2' },
};

/** The first / last of the first `n` entries that is not NaN; NaN when none. */
function firstNumber(column: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) if (!Number.isNaN(column[i] as number)) return column[i] as number;
  return Number.NaN;
}
function lastNumber(column: Float64Array, n: number): number {
  for (let i = n - 1; i >= 0; i--) if (!Number.isNaN(column[i] as number)) return column[i] as number;
  return Number.NaN;
}

/**
 * Appends points to series as the SQLite store does (chunks of CHUNK_SIZE, each with its block summaries, and the
 * series summary kept current), inside the caller's transaction. Many connections write at once: each series row
 * is locked before its open chunk is used, and what is cached in memory (series ids, open chunks) counts only once
 * the transaction has committed.
 */
export class SeriesWriter {
  /** Ids of series that exist (committed), by run and key. Bounded: cleared when full. */
  private readonly ids = new Map<string, number>();
  private readonly tails = new Map<number, SeriesTail>();

  /** Appends one run's points; returns what to call once the transaction has committed. */
  async append(client: Client, runId: string, batches: readonly SeriesColumns[]): Promise<() => void> {
    const created = new Map<string, number>();
    const work: Array<{ id: number; batch: SeriesColumns }> = [];
    for (const batch of batches) {
      if (batch.n === 0) continue;
      const key = `${runId}\u001e${seriesKeyString(batch.series)}`;
      let id = this.ids.get(key) ?? created.get(key);
      if (id === undefined) {
        id = await this.resolve(client, runId, seriesKeyString(batch.series), batch.series);
        created.set(key, id);
      }
      work.push({ id, batch });
    }
    if (work.length === 0) return () => {};
    const locked = await client.query<{ id: number; count: number }>({ ...statements.lock, values: [[...new Set(work.map((w) => w.id))]] });
    const stored = new Map(locked.rows.map((row) => [row.id, row.count]));
    const touched = new Map<number, SeriesTail>();
    for (const { id, batch } of work) {
      let tail = touched.get(id);
      if (tail === undefined) {
        tail = await this.tail(client, id, stored.get(id) ?? 0);
        touched.set(id, tail);
      }
      await this.appendToSeries(client, tail, batch);
    }
    return () => {
      if (this.ids.size > 50_000) this.ids.clear();
      for (const [key, id] of created) this.ids.set(key, id);
      for (const tail of touched.values()) tail.written = tail.count;
    };
  }

  /** Forgets everything cached (after series were deleted). */
  reset(): void {
    this.ids.clear();
    this.tails.clear();
  }

  private async resolve(client: Client, runId: string, key: string, series: SeriesKey): Promise<number> {
    const values = [runId, key, series.name, series.kind, series.context ?? null, series.rank ?? null, series.node ?? null, series.device ?? null];
    const inserted = await client.query<{ id: number }>({ ...statements.insertSeries, values: [...values, series.unit ?? null] });
    if (inserted.rows[0] !== undefined) return inserted.rows[0].id;
    // Another connection created it first (and committed: ON CONFLICT waited for it).
    const found = await client.query<{ id: number }>({ ...statements.seriesId, values: [runId, key] });
    if (found.rows[0] === undefined) throw new Error(`series ${key} of run ${runId} vanished while being created`);
    return found.rows[0].id;
  }

  /** The series' open chunk: the cached one when it matches the locked row's count, else read back. */
  private async tail(client: Client, id: number, stored: number): Promise<SeriesTail> {
    const cached = this.tails.get(id);
    if (cached !== undefined && cached.written === stored) {
      cached.written = -1;
      return cached;
    }
    const result = await client.query<{ no: number; start_index: number; n: number; points: Buffer }>({ ...statements.lastChunk, values: [id] });
    const row = result.rows[0];
    const columns = {
      time: new Float64Array(CHUNK_SIZE),
      step: new Float64Array(CHUNK_SIZE),
      epoch: new Float64Array(CHUNK_SIZE),
      value: new Float64Array(CHUNK_SIZE),
    };
    const tail: SeriesTail = { id, count: stored, written: -1, chunkNo: 0, chunkStart: 0, n: 0, columns };
    if (row !== undefined) {
      if (row.n < CHUNK_SIZE) {
        const decoded = decodePoints(row.points);
        for (const field of ['time', 'step', 'epoch', 'value'] as const) columns[field].set(decoded[field]);
        tail.chunkNo = row.no;
        tail.chunkStart = row.start_index;
        tail.n = row.n;
      } else {
        tail.chunkNo = row.no + 1;
        tail.chunkStart = row.start_index + row.n;
      }
      tail.count = Math.max(stored, row.start_index + row.n);
    }
    if (this.tails.size > 10_000) this.tails.clear();
    this.tails.set(id, tail);
    return tail;
  }

  private async appendToSeries(client: Client, tail: SeriesTail, batch: SeriesColumns): Promise<void> {
    const n = batch.n;
    // An open chunk a quarter full or more that these points would overflow stays as it was written, and the points
    // start a chunk of their own: writing it again to fill it would send its points to PostgreSQL a second time
    // (with 5,000-point batches, 40% more bytes). Readers take chunks of any size; only the last one grows.
    if (tail.n >= SEAL_AT && tail.n + n > CHUNK_SIZE) {
      tail.chunkNo++;
      tail.chunkStart += tail.n;
      tail.n = 0;
    }
    // Each chunk this batch fills, then the open one with the series summary: in statements of a few chunks each.
    const pending: unknown[][] = [];
    const flush = async (summary: unknown[] | undefined) => {
      for (let at = 0; at < pending.length; at += CHUNKS_PER_STATEMENT) {
        const group = pending.slice(at, at + CHUNKS_PER_STATEMENT);
        const last = at + CHUNKS_PER_STATEMENT >= pending.length;
        const values = group.flat();
        if (last && summary !== undefined) values.push(...summary);
        await client.query({ ...chunkWrite(group.length, last && summary !== undefined), values });
      }
    };
    let from = 0;
    while (from < n) {
      const count = Math.min(n - from, CHUNK_SIZE - tail.n);
      const to = from + count;
      for (const field of ['time', 'step', 'epoch', 'value'] as const) tail.columns[field].set(batch[field].subarray(from, to), tail.n);
      tail.n += count;
      from = to;
      if (tail.n === CHUNK_SIZE && from < n) {
        pending.push(this.chunkValues(tail));
        tail.chunkNo++;
        tail.chunkStart += CHUNK_SIZE;
        tail.n = 0;
      }
    }
    let min = Number.NaN;
    let max = Number.NaN;
    for (let i = 0; i < n; i++) {
      const value = batch.value[i] as number;
      if (!Number.isNaN(value)) {
        if (!(value >= min)) min = value;
        if (!(value <= max)) max = value;
      }
    }
    tail.count += n;
    const summary = [
      tail.count,
      nullIfNaN(min),
      nullIfNaN(max),
      batch.value[n - 1] as number,
      batch.time[n - 1] as number,
      batch.time[0] as number,
      nullIfNaN(firstNumber(batch.step, n)),
      nullIfNaN(lastNumber(batch.step, n)),
      nullIfNaN(firstNumber(batch.epoch, n)),
      nullIfNaN(lastNumber(batch.epoch, n)),
    ];
    // The last chunk written is the open one (or the one just filled): it goes with the summary.
    pending.push(this.chunkValues(tail));
    await flush(summary);
    if (tail.n === CHUNK_SIZE) {
      tail.chunkNo++;
      tail.chunkStart += CHUNK_SIZE;
      tail.n = 0;
    }
  }

  private chunkValues(tail: SeriesTail): unknown[] {
    const s = summarize(tail.columns, 0, tail.n);
    return [
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
      s.vlast,
      encodeBlocks(tail.columns, 0, tail.n),
      encodePoints(tail.columns, 0, tail.n),
    ];
  }
}
