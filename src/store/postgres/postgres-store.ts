import type { BatchResult, RecordBatch } from '../../model/batch.js';
import { columnsOf, type SeriesColumns } from '../../model/columns.js';
import { RunmeterError } from '../../model/errors.js';
import type { SeriesPoint } from '../../model/point.js';
import { completeRun, type NewRun, type Run, type RunUpdate } from '../../model/run.js';
import { checkJoinAttach, LOST_REASON, lostMembersOf } from '../../model/run-members.js';
import type { SeriesKind } from '../../model/series.js';
import { artifactColumns, artifactFromRow, artifactValues } from '../artifact-row.js';
import { OutputReadAhead } from '../read-ahead.js';
import { type RunRow, runFromRow, type SeriesRow, seriesFromRow } from '../sqlite/rows.js';
import type {
  ApiToken,
  Artifact,
  IndexedPoints,
  OutputChunk,
  OutputStream,
  ProjectSummary,
  RunFilter,
  SeriesData,
  SeriesQuery,
  SeriesSummary,
  Store,
  StoreChanges,
} from '../store.js';
import { Database, redactedUrl } from './connection.js';
import { indexOutput, outputChunks, outputSize, readOutput, writeOutput } from './output.js';
import { resolveRun } from './resolve-run.js';
import { addTags, applyMember, CURRENT_XID, insertRun, joinKeyOf, mergeParams, touchRun, updateRun } from './run-writer.js';
import { querySeries, readPoints } from './series-query.js';
import { SeriesWriter } from './series-writer.js';

const claimSql = `INSERT INTO producers (run_id, producer, last_seq) VALUES ($1, $2, $3)
  ON CONFLICT (run_id, producer) DO UPDATE SET last_seq = EXCLUDED.last_seq WHERE producers.last_seq < EXCLUDED.last_seq`;
/** A batch's identity claimed: no row when it was applied before. */
const claimBatch = { name: 'rm_claim_batch', text: claimSql };
/** The claim, and when it is new, the run touched as touchRun does: how many rows each changed. */
const claimAndTouch = {
  name: 'rm_claim_touch',
  text: `WITH claim AS (${claimSql} RETURNING 1),
    touched AS (UPDATE runs SET change_xid = ${CURRENT_XID},
        heartbeat = CASE WHEN $4::float8 IS NULL THEN heartbeat ELSE greatest(coalesce(heartbeat, 0), $4::float8) END
      WHERE id = $1 AND EXISTS (SELECT 1 FROM claim) RETURNING 1)
    SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM touched)::int AS touched`,
};

/** How to reach PostgreSQL. */
export interface PostgresOptions {
  /** Connections in the pool (default 4); a server sizes it to the applies it lets run at once. */
  maxConnections?: number;
  /** How long a caller waits for a free connection before E_STORE_UNAVAILABLE (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * The shared store: runs, series (chunks with summaries, as the SQLite store keeps them), output bytes and tokens in
 * one PostgreSQL database. Connects on first use and applies its migrations then; many processes may use it at once.
 */
export class PostgresStore implements Store {
  readonly location: string;
  private readonly db: Database;
  private readonly writer = new SeriesWriter();
  /** One window of output read ahead (a reader walking the index piece by piece makes one query per window). */
  private readonly readAhead = new OutputReadAhead(1024 * 1024);

  constructor(url: string, options: PostgresOptions = {}) {
    this.location = redactedUrl(url);
    this.db = new Database(url, this.location, options);
  }

  /** Connections waiting for a free one in the pool: how busy the store is. */
  get waiting(): number {
    return this.db.waiting;
  }

  async createRun(newRun: NewRun): Promise<Run> {
    const run = completeRun(newRun);
    await this.db.transaction(async (client) => {
      if (!(await insertRun(client, run))) throw new RunmeterError('E_RUN_EXISTS', `a run with id ${run.id} exists already in ${this.location}`);
    });
    return run;
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    await this.db.transaction(async (client) => {
      await touchRun(client, id);
      await updateRun(client, id, update);
    });
  }

  async setParams(id: string, params: Record<string, unknown>): Promise<void> {
    await this.db.transaction(async (client) => {
      await mergeParams(client, id, params);
      await touchRun(client, id);
    });
  }

  async heartbeat(id: string, time: number): Promise<void> {
    await this.db.query('UPDATE runs SET heartbeat = greatest(coalesce(heartbeat, 0), $2::float8) WHERE id = $1', [id, time]);
  }

  async applyBatch(batch: RecordBatch): Promise<BatchResult> {
    if (batch.output !== undefined) this.readAhead.forget();
    let committed: (() => void) | undefined;
    const applied = await this.db.transaction(async (client) => {
      // Claims the identity first: a resend of this batch running at the same time waits here, then finds it applied.
      if (batch.run === undefined) {
        // The run exists already (or the batch is refused): the claim and the run's touch in one round trip.
        const { rows } = await client.query<{ claimed: number; touched: number }>({
          ...claimAndTouch,
          values: [batch.runId, batch.producer, batch.seq, batch.heartbeat ?? null],
        });
        if (rows[0]?.claimed === 0) return false;
        if (rows[0]?.touched === 0) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${batch.runId}`);
      } else {
        const claim = await client.query({ ...claimBatch, values: [batch.runId, batch.producer, batch.seq] });
        if (claim.rowCount === 0) return false;
        if (!(await insertRun(client, completeRun(batch.run))))
          checkJoinAttach(batch.runId, await joinKeyOf(client, batch.runId), batch.run.joinKey, this.location);
        await touchRun(client, batch.runId, batch.heartbeat ?? null);
      }
      if (batch.update !== undefined) await updateRun(client, batch.runId, batch.update);
      if (batch.member !== undefined) await applyMember(client, batch.runId, batch.member);
      if (batch.params !== undefined) await mergeParams(client, batch.runId, batch.params);
      if (batch.tags !== undefined) await addTags(client, batch.runId, batch.tags);
      if (batch.series !== undefined) committed = await this.writer.append(client, batch.runId, batch.series);
      if (batch.output !== undefined) await writeOutput(client, batch.runId, batch.output);
      return true;
    });
    committed?.();
    return { applied };
  }

  async getRun(id: string): Promise<Run | undefined> {
    const [row] = await this.db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]);
    return row === undefined ? undefined : runFromRow(row);
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      params.push(Array.isArray(filter.status) ? filter.status : [filter.status]);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (filter.text) {
      params.push(`%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const like = `ILIKE $${params.length}`;
      where.push(`(id ${like} OR name ${like} OR command ${like} OR host ${like})`);
    }
    if (filter.project !== undefined) {
      if (filter.project === null) where.push('project IS NULL');
      else {
        params.push(filter.project);
        where.push(`project = $${params.length}`);
      }
    }
    if (filter.startedBefore !== undefined) {
      params.push(filter.startedBefore);
      where.push(`start_time < $${params.length}`);
    }
    params.push(filter.limit ?? null, filter.offset ?? 0);
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY start_time DESC, row_no DESC LIMIT $${params.length - 1} OFFSET $${params.length}`;
    return (await this.db.query<RunRow>(sql, params)).map(runFromRow);
  }

  async resolveRun(ref: string): Promise<Run> {
    return resolveRun(this.db, this.location, ref);
  }

  async deleteRuns(ids: string[]): Promise<number> {
    this.readAhead.forget();
    if (ids.length === 0) return 0;
    const freed = await this.db.transaction(async (client) => {
      const sizes = await client.query<{ bytes: number }>(
        `SELECT (SELECT coalesce(sum(length), 0) FROM output_bytes WHERE run_id = ANY($1))
              + (SELECT coalesce(sum(pg_column_size(p.points) + pg_column_size(b.blocks)), 0)
                 FROM series s JOIN chunk_points p ON p.series_id = s.id JOIN chunk_blocks b ON b.series_id = p.series_id AND b.no = p.no
                 WHERE s.run_id = ANY($1)) AS bytes`,
        [ids],
      );
      await client.query('DELETE FROM runs WHERE id = ANY($1)', [ids]);
      return Number(sizes.rows[0]?.bytes ?? 0);
    });
    this.writer.reset();
    return freed;
  }

  async markLostRuns(host: string, isAlive: (pid: number, agentId?: string) => boolean): Promise<Run[]> {
    const rows = await this.db.query<RunRow & { heartbeat: number | null }>(
      "SELECT * FROM runs WHERE status = 'running' AND (host = $1 OR join_key IS NOT NULL)",
      [host],
    );
    const lostMembers = lostMembersOf(rows.map(runFromRow), host, isAlive);
    for (const { run, members } of lostMembers) {
      const heartbeat = rows.find((row) => row.id === run.id)?.heartbeat ?? Date.now();
      await this.db.transaction(async (client) => {
        await touchRun(client, run.id);
        for (const member of members)
          await applyMember(client, run.id, { key: member.key, node: member.node, status: 'lost', endTime: heartbeat, reason: LOST_REASON }, true);
      });
    }
    const lost = rows.filter((row) => !row.join_key && (row.agent_pid === null || !isAlive(row.agent_pid, row.agent_id ?? undefined)));
    for (const row of lost) {
      await this.updateRun(row.id, {
        status: 'lost',
        endTime: row.heartbeat ?? row.start_time,
        reason: LOST_REASON,
      });
    }
    const joined = await Promise.all(lostMembers.map(async ({ run }) => (await this.getRun(run.id)) as Run));
    return [...lost.map((row) => ({ ...runFromRow(row), status: 'lost' as const })), ...joined];
  }

  async appendPoints(runId: string, points: SeriesPoint[]): Promise<void> {
    await this.appendColumns(runId, columnsOf(points));
  }

  async appendColumns(runId: string, batches: SeriesColumns[]): Promise<void> {
    if (!batches.some((batch) => batch.n > 0)) return;
    const committed = await this.db.transaction(async (client) => {
      await touchRun(client, runId);
      return this.writer.append(client, runId, batches);
    });
    committed();
  }

  async listSeries(runId: string): Promise<SeriesSummary[]> {
    const rows = await this.db.query<SeriesRow>(
      {
        name: 'rm_list_series',
        text: 'SELECT * FROM series WHERE run_id = $1 ORDER BY kind COLLATE "C", name COLLATE "C", context COLLATE "C" NULLS FIRST, rank NULLS FIRST',
      },
      [runId],
    );
    return rows.map(seriesFromRow);
  }

  async listSeriesOfRuns(runIds: readonly string[], kinds?: readonly SeriesKind[]): Promise<SeriesSummary[]> {
    const rows = await this.db.query<SeriesRow>(
      `SELECT * FROM series WHERE run_id = ANY($1::text[]) ORDER BY array_position($1::text[], run_id), kind COLLATE "C", name COLLATE "C", context COLLATE "C" NULLS FIRST, rank NULLS FIRST`,
      [[...runIds]],
    );
    const all = rows.map(seriesFromRow);
    return kinds === undefined ? all : all.filter((series) => kinds.includes(series.kind));
  }

  async listProjects(): Promise<ProjectSummary[]> {
    const rows = await this.db.query<{ project: string | null; runs: string; last_start: string }>(
      'SELECT project, COUNT(*) AS runs, MAX(start_time) AS last_start FROM runs GROUP BY project ORDER BY MAX(start_time) DESC',
    );
    return rows.map((row) => ({ ...(row.project === null ? {} : { project: row.project }), runs: Number(row.runs), lastStart: Number(row.last_start) }));
  }

  async querySeries(seriesId: number, query: SeriesQuery): Promise<SeriesData> {
    return querySeries(this.db, seriesId, query);
  }

  readPoints(seriesId: number, fromIndex = 0): AsyncIterable<IndexedPoints> {
    return readPoints(this.db, seriesId, fromIndex);
  }

  /** PostgreSQL keeps output in the database, not in files an agent could append to. */
  outputFile(): undefined {
    return undefined;
  }

  async appendOutput(runId: string, stream: OutputStream, bytes: Uint8Array, time: number): Promise<void> {
    this.readAhead.forget();
    await this.db.transaction(async (client) => {
      await touchRun(client, runId);
      const offset = await outputSize(client, runId, stream, '');
      await writeOutput(client, runId, [{ stream, offset, length: bytes.byteLength, time, bytes }]);
    });
  }

  async indexOutput(runId: string, chunks: OutputChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.db.transaction(async (client) => {
      await touchRun(client, runId);
      await indexOutput(client, runId, chunks);
    });
  }

  outputChunks(runId: string, page?: { offset: number; limit: number }): Promise<OutputChunk[]> {
    return outputChunks(this.db, runId, page);
  }

  outputSize(runId: string, stream: OutputStream, member?: string): Promise<number> {
    return outputSize(this.db, runId, stream, member);
  }

  readOutput(runId: string, stream: OutputStream, offset: number, length: number, member?: string): Promise<Uint8Array> {
    return this.readAhead.read(`${runId}\n${stream}\n${member ?? ''}`, offset, length, (from, size) => readOutput(this.db, runId, stream, from, size, member));
  }

  async addArtifact(artifact: Artifact): Promise<void> {
    await this.db.transaction(async (client) => {
      await touchRun(client, artifact.runId);
      await client.query(`INSERT INTO artifacts (${artifactColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, artifactValues(artifact));
    });
  }

  async listArtifacts(runId: string): Promise<Artifact[]> {
    const rows = await this.db.query<Record<string, unknown>>('SELECT * FROM artifacts WHERE run_id = $1 ORDER BY time, row_no', [runId]);
    return rows.map(artifactFromRow);
  }

  /** PostgreSQL keeps no files: artifacts are recorded (name, hash, size), not copied. */
  artifactDir(): undefined {
    return undefined;
  }

  /**
   * The version is the oldest transaction still running (every transaction below it has ended); the runs changed
   * since `since` are those marked by a transaction at or above it. A commit that lands out of order is never
   * missed: it stays at or above the version until it ends.
   */
  async changes(since: number): Promise<StoreChanges> {
    const rows = await this.db.query<{ version: string; id: string | null }>(
      {
        name: 'rm_changes',
        text: `WITH now AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS version)
               SELECT now.version::text AS version, r.id FROM now LEFT JOIN runs r ON r.change_xid >= $1::bigint`,
      },
      [Math.min(since, Number.MAX_SAFE_INTEGER)],
    );
    const version = Number(rows[0]?.version ?? 0);
    return { version, runIds: rows.flatMap((row) => (row.id === null ? [] : [row.id])) };
  }

  async addToken(name: string, hash: string, createdAt: number): Promise<void> {
    const rows = await this.db.query('INSERT INTO tokens (name, hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING name', [
      name,
      hash,
      createdAt,
    ]);
    if (rows.length === 0)
      throw new RunmeterError('E_TOKEN_EXISTS', `a token named "${name}" exists already in ${this.location}; revoke it first or pick another name`);
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = await this.db.query<{ name: string; hash: string; created_at: number }>('SELECT name, hash, created_at FROM tokens ORDER BY created_at, name');
    return rows.map((row) => ({ name: row.name, hash: row.hash, createdAt: row.created_at }));
  }

  async revokeToken(name: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM tokens WHERE name = $1 RETURNING name', [name])).length > 0;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
