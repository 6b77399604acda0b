import fs from 'node:fs';
import path from 'node:path';
import type { BatchResult, RecordBatch } from '../../model/batch.js';
import { columnsOf, type SeriesColumns } from '../../model/columns.js';
import { RunmeterError } from '../../model/errors.js';
import type { SeriesPoint } from '../../model/point.js';
import { completeRun, type NewRun, type Run, type RunUpdate } from '../../model/run.js';
import { checkJoinAttach, LOST_REASON, lostMembersOf } from '../../model/run-members.js';
import type { SeriesKind } from '../../model/series.js';
import { testFault } from '../../model/test-faults.js';
import { clip, closestMatches } from '../../model/text.js';
import { checkPrivateFile, makeDirectory, makePrivateDirectory } from '../make-directory.js';
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
import { artifactsOf, insertArtifact } from './artifact-rows.js';
import { createPrivateFile, isMissingBinding, missingBindingError, openDatabase, type SqliteDatabase, type SqliteStatement } from './database-file.js';
import { migrate } from './migrations.js';
import { directorySize, fileSize, listDirectory, memberOutputFile, readFileRange, writeAt } from './output-files.js';
import { type RunRow, runFromRow, type SeriesRow, seriesFromRow } from './rows.js';
import { listProjects, listRuns, listSeriesOfRuns } from './run-list.js';
import { RunWriter } from './run-writer.js';
import { querySeries, readPoints } from './series-query.js';
import { SeriesWriter } from './series-writer.js';
import { deleteToken, insertToken, tokensOf } from './token-rows.js';

const streamCode = { stdout: 1, stderr: 2 } as const;

/**
 * A store is private to its user: its folder 0700 (an existing one tightened) and its database 0600 (SQLite gives
 * the WAL files the same mode); a folder or database that is a symbolic link, or another user's, is refused. A store
 * named by its .db file sits in a folder of the user's choosing: that folder is made if missing, never changed.
 */
function openPrivately(dbFile: string, filesDir: string, readonly: boolean): void {
  if (path.resolve(path.dirname(dbFile)) === path.resolve(filesDir)) makePrivateDirectory(filesDir);
  else {
    makeDirectory(path.dirname(dbFile), 0o700);
    if (fs.lstatSync(filesDir, { throwIfNoEntry: false }) !== undefined) makePrivateDirectory(filesDir);
  }
  if (!readonly) createPrivateFile(dbFile);
  checkPrivateFile(dbFile, 'database');
  checkPrivateFile(`${dbFile}-wal`, 'database');
  checkPrivateFile(`${dbFile}-shm`, 'database');
}
const streamName = (code: number): OutputStream => (code === 2 ? 'stderr' : 'stdout');

/**
 * The embedded store: one SQLite file (WAL) for runs, series and points, and a folder of append-only files for
 * each run's output, which `runmeter logs` returns byte-exact.
 */
export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: SqliteDatabase;
  private readonly filesDir: string;
  private readonly writer: SeriesWriter;
  private readonly runs: RunWriter;
  private readonly statements = new Map<string, SqliteStatement>();
  /** TEST ONLY (RUNMETER_TEST_FAIL=store:N): fails the Nth batch inside its transaction; undefined otherwise. */
  private readonly fault = testFault('store');

  /** Opens (creating if needed) the store whose database is `dbFile` and whose files live under `filesDir`. */
  constructor(dbFile: string, filesDir: string, options: { readonly?: boolean } = {}) {
    this.location = dbFile;
    this.filesDir = filesDir;
    try {
      openPrivately(dbFile, filesDir, options.readonly ?? false);
      this.db = openDatabase(dbFile, options.readonly ?? false);
      this.db.pragma('busy_timeout = 10000');
      if (!options.readonly) {
        // Must come before WAL mode and the first table: lets `rm` and `gc` give space back to the disk.
        if ((this.db.pragma('page_count', { simple: true }) as number) === 0) this.db.pragma('auto_vacuum = INCREMENTAL');
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        migrate(this.db);
      }
      this.db.pragma('foreign_keys = ON');
    } catch (error) {
      if (isMissingBinding(error)) throw missingBindingError(error);
      if (error instanceof RunmeterError && error.code === 'E_STORE_UNSAFE') throw error;
      throw new RunmeterError('E_STORE_OPEN', `cannot open the store at ${dbFile}: ${(error as Error).message}`, { cause: error });
    }
    this.writer = new SeriesWriter(this.db);
    this.runs = new RunWriter(this.db);
  }

  /** Runs `work` in an IMMEDIATE transaction, so concurrent writers queue on busy_timeout instead of failing. */
  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** A prepared statement for SQL that hot paths run again and again (preparing it costs more than running it). */
  private statement(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async createRun(newRun: NewRun): Promise<Run> {
    const run = completeRun(newRun);
    this.write(() => {
      if (!this.runs.insert(run)) throw new RunmeterError('E_RUN_EXISTS', `a run with id ${run.id} exists already in ${this.location}`);
      this.runs.bumpChange(run.id);
    });
    return run;
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    this.write(() => {
      this.runs.update(id, update);
      this.runs.bumpChange(id);
    });
  }

  async setParams(id: string, params: Record<string, unknown>): Promise<void> {
    this.write(() => {
      this.runs.mergeParams(id, params);
      this.runs.bumpChange(id);
    });
  }

  async heartbeat(id: string, time: number): Promise<void> {
    this.runs.heartbeat(id, time);
  }

  async applyBatch(batch: RecordBatch): Promise<BatchResult> {
    // Output bytes go to their files first, at their offsets: writing them again on a retry changes nothing.
    for (const piece of batch.output ?? [])
      if (piece.bytes !== undefined) writeAt(this.outputFile(batch.runId, piece.stream, piece.member), piece.bytes, piece.offset);
    try {
      return this.write(() => {
        const last = this.statement('SELECT last_seq FROM producers WHERE run_id = ? AND producer = ?').pluck().get(batch.runId, batch.producer) as
          | number
          | undefined;
        if (last !== undefined && batch.seq <= last) return { applied: false };
        if (batch.run !== undefined) {
          if (!this.runs.insert(completeRun(batch.run))) checkJoinAttach(batch.runId, this.runs.joinKey(batch.runId), batch.run.joinKey, this.location);
        } else if (!this.runs.exists(batch.runId)) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${batch.runId} in ${this.location}`);
        if (batch.update !== undefined) this.runs.update(batch.runId, batch.update);
        if (batch.member !== undefined) this.runs.applyMember(batch.runId, batch.member);
        if (batch.params !== undefined) this.runs.mergeParams(batch.runId, batch.params);
        if (batch.tags !== undefined) this.runs.addTags(batch.runId, batch.tags);
        if (batch.series !== undefined) this.writer.appendColumns(batch.runId, batch.series);
        this.fault?.();
        if (batch.output !== undefined) {
          const insert = this.statement('INSERT INTO output_chunks (run_id, stream, offset, length, time, member) VALUES (?, ?, ?, ?, ?, ?)');
          for (const piece of batch.output) insert.run(batch.runId, streamCode[piece.stream], piece.offset, piece.length, piece.time, piece.member ?? null);
        }
        if (batch.heartbeat !== undefined) this.runs.heartbeat(batch.runId, batch.heartbeat);
        this.statement(
          'INSERT INTO producers (run_id, producer, last_seq) VALUES (?, ?, ?) ON CONFLICT (run_id, producer) DO UPDATE SET last_seq = excluded.last_seq',
        ).run(batch.runId, batch.producer, batch.seq);
        this.runs.bumpChange(batch.runId);
        return { applied: true };
      });
    } catch (error) {
      // The transaction rolled back: what the writer holds in memory (open chunks, counts) must too.
      this.writer.reset();
      throw error;
    }
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row === undefined ? undefined : runFromRow(row);
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    return listRuns(this.db, filter);
  }

  async listProjects(): Promise<ProjectSummary[]> {
    return listProjects(this.db);
  }

  async resolveRun(ref: string): Promise<Run> {
    const one = (sql: string, ...params: unknown[]) => this.db.prepare(sql).get(...params) as RunRow | undefined;
    if (ref === 'last') {
      const row = one('SELECT * FROM runs ORDER BY start_time DESC, rowid DESC LIMIT 1');
      if (row === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `there are no runs yet in ${this.location}`);
      return runFromRow(row);
    }
    const exact = one('SELECT * FROM runs WHERE id = ?', ref) ?? one('SELECT * FROM runs WHERE name = ? ORDER BY start_time DESC, rowid DESC LIMIT 1', ref);
    if (exact !== undefined) return runFromRow(exact);
    if (/^[0-9a-z]+$/.test(ref)) {
      const byPrefix = this.db.prepare('SELECT * FROM runs WHERE id >= ? AND id < ? LIMIT 6').all(ref, `${ref}\uffff`) as RunRow[];
      if (byPrefix.length === 1) return runFromRow(byPrefix[0] as RunRow);
      if (byPrefix.length > 1) {
        const ids = byPrefix.slice(0, 5).map((r) => `${r.id} (${r.name})`);
        throw new RunmeterError(
          'E_RUN_AMBIGUOUS',
          `run "${ref}" is ambiguous: it starts ${byPrefix.length > 5 ? 'more than 5' : byPrefix.length} run ids: ${ids.join(', ')}`,
        );
      }
    }
    const names = this.db.prepare('SELECT DISTINCT name FROM runs ORDER BY start_time DESC LIMIT 5000').pluck().all() as string[];
    const near = closestMatches(ref, names);
    const hint =
      near.length > 0
        ? `; closest names: ${near.join(', ')}`
        : names.length === 0
          ? '; there are no runs yet'
          : `; the newest names are ${names.slice(0, 3).join(', ')} (runmeter ls lists them all)`;
    throw new RunmeterError('E_RUN_NOT_FOUND', `no run matches "${clip(ref)}" (an id, an id prefix, a name, or "last")${hint}`);
  }

  async deleteRuns(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pagesBefore = this.db.pragma('page_count', { simple: true }) as number;
    let fileBytes = 0;
    this.write(() => {
      const remove = this.db.prepare('DELETE FROM runs WHERE id = ?');
      for (const id of ids) remove.run(id);
    });
    this.writer.reset();
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const id of ids) {
      const dir = this.runDir(id);
      fileBytes += directorySize(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const pagesAfter = this.db.pragma('page_count', { simple: true }) as number;
    return fileBytes + Math.max(0, pagesBefore - pagesAfter) * pageSize;
  }

  async markLostRuns(host: string, isAlive: (pid: number, agentId?: string) => boolean): Promise<Run[]> {
    const rows = this.db.prepare("SELECT * FROM runs WHERE status = 'running' AND (host = ? OR join_key IS NOT NULL)").all(host) as Array<
      RunRow & { heartbeat: number | null }
    >;
    const lostMembers = lostMembersOf(
      rows.map((row) => runFromRow(row)),
      host,
      isAlive,
    );
    for (const { run, members } of lostMembers) {
      const heartbeat = rows.find((row) => row.id === run.id)?.heartbeat ?? Date.now();
      this.write(() => {
        // Read again under the write lock: a member that ended meanwhile keeps its own status.
        const running = new Set(this.runs.members(run.id).flatMap((member) => (member.status === 'running' ? [member.key] : [])));
        for (const member of members) {
          if (running.has(member.key))
            this.runs.applyMember(run.id, { key: member.key, node: member.node, status: 'lost', endTime: heartbeat, reason: LOST_REASON });
        }
        this.runs.bumpChange(run.id);
      });
    }
    const lost = rows.filter((row) => !row.join_key && (row.agent_pid === null || !isAlive(row.agent_pid, row.agent_id ?? undefined)));
    // A lost run ended when it was last heard of: its last heartbeat, point or piece of output, whichever is latest.
    const lastHeard = this.db.prepare(
      `SELECT MAX(COALESCE((SELECT MAX(last_time) FROM series WHERE run_id = $id), 0),
                  COALESCE((SELECT MAX(time) FROM output_chunks WHERE run_id = $id), 0)) AS t`,
    );
    for (const row of lost) {
      const heard = Number((lastHeard.get({ id: row.id }) as { t: number | null }).t ?? 0);
      await this.updateRun(row.id, {
        status: 'lost',
        endTime: Math.max(row.heartbeat ?? row.start_time, Math.round(heard)),
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
    try {
      this.write(() => {
        this.writer.appendColumns(runId, batches);
        this.runs.bumpChange(runId);
      });
    } catch (error) {
      this.writer.reset();
      throw error;
    }
  }

  async listSeries(runId: string): Promise<SeriesSummary[]> {
    return (this.db.prepare('SELECT * FROM series WHERE run_id = ? ORDER BY kind, name, context, rank').all(runId) as SeriesRow[]).map(seriesFromRow);
  }

  async listSeriesOfRuns(runIds: readonly string[], kinds?: readonly SeriesKind[]): Promise<SeriesSummary[]> {
    return listSeriesOfRuns(this.db, runIds, kinds);
  }

  async querySeries(seriesId: number, query: SeriesQuery): Promise<SeriesData> {
    return querySeries(this.db, seriesId, query);
  }

  async *readPoints(seriesId: number, fromIndex = 0): AsyncIterable<IndexedPoints> {
    yield* readPoints(this.db, seriesId, fromIndex);
  }

  private runDir(runId: string): string {
    return path.join(this.filesDir, 'runs', runId);
  }

  outputFile(runId: string, stream: OutputStream, member?: string): string {
    return memberOutputFile(this.runDir(runId), stream, member);
  }

  async appendOutput(runId: string, stream: OutputStream, bytes: Uint8Array, time: number): Promise<void> {
    const file = this.outputFile(runId, stream);
    const offset = fileSize(file);
    writeAt(file, bytes, offset);
    await this.indexOutput(runId, [{ stream, offset, length: bytes.byteLength, time }]);
  }

  async indexOutput(runId: string, chunks: OutputChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    this.write(() => {
      const insert = this.statement('INSERT INTO output_chunks (run_id, stream, offset, length, time, member) VALUES (?, ?, ?, ?, ?, ?)');
      for (const chunk of chunks) insert.run(runId, streamCode[chunk.stream], chunk.offset, chunk.length, chunk.time, chunk.member ?? null);
      this.runs.bumpChange(runId);
    });
  }

  async outputChunks(runId: string, page?: { offset: number; limit: number }): Promise<OutputChunk[]> {
    const rows = this.db
      .prepare('SELECT stream, offset, length, time, member FROM output_chunks WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?')
      .all(runId, page?.limit ?? -1, page?.offset ?? 0) as Array<{
      stream: number;
      offset: number;
      length: number;
      time: number;
      member: string | null;
    }>;
    return rows.map(({ member, ...row }) => ({ ...row, stream: streamName(row.stream), ...(member === null ? {} : { member }) }));
  }

  async outputSize(runId: string, stream: OutputStream, member?: string): Promise<number> {
    if (member !== undefined) return fileSize(this.outputFile(runId, stream, member));
    let size = fileSize(this.outputFile(runId, stream));
    for (const key of listDirectory(path.join(this.runDir(runId), 'members'))) size += fileSize(this.outputFile(runId, stream, key));
    return size;
  }

  async readOutput(runId: string, stream: OutputStream, offset: number, length: number, member?: string): Promise<Uint8Array> {
    return readFileRange(this.outputFile(runId, stream, member), offset, length);
  }

  async addArtifact(artifact: Artifact): Promise<void> {
    this.write(() => {
      insertArtifact(this.db, artifact);
      this.runs.bumpChange(artifact.runId);
    });
  }

  async listArtifacts(runId: string): Promise<Artifact[]> {
    return artifactsOf(this.db, runId);
  }

  artifactDir(runId: string): string {
    return path.join(this.runDir(runId), 'artifacts');
  }

  async changes(since: number): Promise<StoreChanges> {
    const version = this.statement("SELECT value FROM meta WHERE key = 'change_seq'").pluck().get() as number;
    const runIds = version > since ? (this.statement('SELECT id FROM runs WHERE change_seq > ?').pluck().all(since) as string[]) : [];
    return { version, runIds };
  }

  async addToken(name: string, hash: string, createdAt: number): Promise<void> {
    if (!this.write(() => insertToken(this.db, name, hash, createdAt)))
      throw new RunmeterError('E_TOKEN_EXISTS', `a token named "${name}" exists already in ${this.location}; revoke it first or pick another name`);
  }

  async listTokens(): Promise<ApiToken[]> {
    return tokensOf(this.db);
  }

  async revokeToken(name: string): Promise<boolean> {
    return this.write(() => deleteToken(this.db, name));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
