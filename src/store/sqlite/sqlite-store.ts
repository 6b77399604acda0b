import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { columnsOf, type SeriesColumns } from '../../model/columns.js';
import { RunmeterError } from '../../model/errors.js';
import type { SeriesPoint } from '../../model/point.js';
import { type NewRun, newRunId, type Run, type RunUpdate } from '../../model/run.js';
import { closestMatches } from '../../model/text.js';
import { makeDirectory } from '../make-directory.js';
import type {
  AppendOptions,
  Artifact,
  IndexedPoints,
  OutputChunk,
  OutputStream,
  RunFilter,
  SeriesData,
  SeriesQuery,
  SeriesSummary,
  Store,
  StoreChanges,
} from '../store.js';
import { migrate } from './migrations.js';
import { directorySize, fileSize, readFileRange } from './output-files.js';
import { type RunRow, runFromRow, type SeriesRow, seriesFromRow } from './rows.js';
import { querySeries, readPoints } from './series-query.js';
import { SeriesWriter } from './series-writer.js';

const streamCode = { stdout: 1, stderr: 2 } as const;
const streamName = (code: number): OutputStream => (code === 2 ? 'stderr' : 'stdout');

/**
 * The embedded store: one SQLite file (WAL) for runs, series and points, and a folder of append-only files for
 * each run's output, which `runmeter logs` returns byte-exact.
 */
export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly filesDir: string;
  private readonly writer: SeriesWriter;
  private readonly statements = new Map<string, Database.Statement>();

  /** Opens (creating if needed) the store whose database is `dbFile` and whose files live under `filesDir`. */
  constructor(dbFile: string, filesDir: string, options: { readonly?: boolean } = {}) {
    this.location = dbFile;
    this.filesDir = filesDir;
    try {
      makeDirectory(path.dirname(dbFile));
      // Loaded on first use: commands that never open a store (parse, flops) do not pay for the native module.
      const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
      this.db = new BetterSqlite3(dbFile, { readonly: options.readonly ?? false });
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
      throw new RunmeterError('E_STORE_OPEN', `cannot open the store at ${dbFile}: ${(error as Error).message}`, { cause: error });
    }
    this.writer = new SeriesWriter(this.db);
  }

  /** Runs `work` in an IMMEDIATE transaction, so concurrent writers queue on busy_timeout instead of failing. */
  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** A prepared statement for SQL that hot paths run again and again (preparing it costs more than running it). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private bumpChange(runId: string): void {
    const seq = this.statement("UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value").pluck().get() as number;
    this.statement('UPDATE runs SET change_seq = ? WHERE id = ?').run(seq, runId);
  }

  async createRun(newRun: NewRun): Promise<Run> {
    const run: Run = {
      ...newRun,
      id: newRun.id ?? newRunId((n) => crypto.getRandomValues(new Uint8Array(n))),
      status: newRun.status ?? 'running',
      params: newRun.params ?? {},
      tags: newRun.tags ?? [],
    };
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO runs (id, name, project, command, cwd, host, user, git_commit, git_dirty, status, exit_code, signal, reason,
             start_time, end_time, heartbeat, version, agent_pid, agent_id, params, tags, source, system)
           VALUES (@id, @name, @project, @command, @cwd, @host, @user, @gitCommit, @gitDirty, @status, @exitCode, @signal, @reason,
             @startTime, @endTime, @startTime, @version, @agentPid, @agentId, @params, @tags, @source, @system)`,
        )
        .run({
          id: run.id,
          name: run.name,
          project: run.project ?? null,
          command: JSON.stringify(run.command),
          cwd: run.cwd,
          host: run.host,
          user: run.user,
          gitCommit: run.gitCommit ?? null,
          gitDirty: run.gitDirty === undefined ? null : run.gitDirty ? 1 : 0,
          status: run.status,
          exitCode: run.exitCode ?? null,
          signal: run.signal ?? null,
          reason: run.reason ?? null,
          startTime: run.startTime,
          endTime: run.endTime ?? null,
          version: run.version,
          agentPid: run.agentPid ?? null,
          agentId: run.agentId ?? null,
          params: JSON.stringify(run.params),
          tags: JSON.stringify(run.tags),
          source: run.source,
          system: run.system === undefined ? null : JSON.stringify(run.system),
        });
      this.bumpChange(run.id);
    });
    return run;
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    const columns: Record<string, unknown> = {};
    if (update.status !== undefined) columns.status = update.status;
    if (update.exitCode !== undefined) columns.exit_code = update.exitCode;
    if (update.signal !== undefined) columns.signal = update.signal;
    if (update.reason !== undefined) columns.reason = update.reason;
    if (update.endTime !== undefined) columns.end_time = update.endTime;
    if (update.name !== undefined) columns.name = update.name;
    if (update.tags !== undefined) columns.tags = JSON.stringify(update.tags);
    if (update.system !== undefined) columns.system = JSON.stringify(update.system);
    if (update.gitCommit !== undefined) columns.git_commit = update.gitCommit;
    if (update.gitDirty !== undefined) columns.git_dirty = update.gitDirty ? 1 : 0;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    this.write(() => {
      this.db.prepare(`UPDATE runs SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`).run({ ...columns, id });
      this.bumpChange(id);
    });
  }

  async setParams(id: string, params: Record<string, unknown>): Promise<void> {
    this.write(() => {
      const current = this.db.prepare('SELECT params FROM runs WHERE id = ?').pluck().get(id) as string | undefined;
      if (current === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
      this.db.prepare('UPDATE runs SET params = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(current), ...params }), id);
      this.bumpChange(id);
    });
  }

  async heartbeat(id: string, time: number): Promise<void> {
    this.statement('UPDATE runs SET heartbeat = ? WHERE id = ?').run(time, id);
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row === undefined ? undefined : runFromRow(row);
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (filter.text) {
      where.push("(id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR command LIKE ? ESCAPE '\\' OR host LIKE ? ESCAPE '\\')");
      const like = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like, like, like);
    }
    if (filter.startedBefore !== undefined) {
      where.push('start_time < ?');
      params.push(filter.startedBefore);
    }
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_time DESC, rowid DESC LIMIT ? OFFSET ?`;
    params.push(filter.limit ?? -1, filter.offset ?? 0);
    return (this.db.prepare(sql).all(...params) as RunRow[]).map(runFromRow);
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
    throw new RunmeterError('E_RUN_NOT_FOUND', `no run matches "${ref}" (an id, an id prefix, a name, or "last")${hint}`);
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
    const rows = this.db.prepare("SELECT * FROM runs WHERE status = 'running' AND host = ?").all(host) as Array<RunRow & { heartbeat: number | null }>;
    const lost = rows.filter((row) => row.agent_pid === null || !isAlive(row.agent_pid, row.agent_id ?? undefined));
    for (const row of lost) {
      await this.updateRun(row.id, {
        status: 'lost',
        endTime: row.heartbeat ?? row.start_time,
        reason: 'the runmeter process recording this run stopped before the job ended',
      });
    }
    return lost.map((row) => ({ ...runFromRow(row), status: 'lost' as const }));
  }

  async appendPoints(runId: string, points: SeriesPoint[], options: AppendOptions = {}): Promise<void> {
    await this.appendColumns(runId, columnsOf(points), options);
  }

  async appendColumns(runId: string, batches: SeriesColumns[], options: AppendOptions = {}): Promise<void> {
    const defer = options.defer === true;
    if (!batches.some((batch) => batch.n > 0) && (defer || !this.writer.hasDeferred)) return;
    this.write(() => {
      this.writer.appendColumns(runId, batches, defer);
      if (!defer) this.bumpChange(runId);
    });
  }

  async listSeries(runId: string): Promise<SeriesSummary[]> {
    return (this.db.prepare('SELECT * FROM series WHERE run_id = ? ORDER BY kind, name, context, rank').all(runId) as SeriesRow[]).map(seriesFromRow);
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

  outputFile(runId: string, stream: OutputStream): string {
    return path.join(this.runDir(runId), `${stream}.log`);
  }

  async appendOutput(runId: string, stream: OutputStream, bytes: Uint8Array, time: number): Promise<void> {
    const file = this.outputFile(runId, stream);
    makeDirectory(path.dirname(file));
    const offset = fileSize(file);
    fs.appendFileSync(file, bytes);
    await this.indexOutput(runId, [{ stream, offset, length: bytes.byteLength, time }]);
  }

  async indexOutput(runId: string, chunks: OutputChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    this.write(() => {
      const insert = this.statement('INSERT INTO output_chunks (run_id, stream, offset, length, time) VALUES (?, ?, ?, ?, ?)');
      for (const chunk of chunks) insert.run(runId, streamCode[chunk.stream], chunk.offset, chunk.length, chunk.time);
      this.bumpChange(runId);
    });
  }

  async outputChunks(runId: string): Promise<OutputChunk[]> {
    const rows = this.db.prepare('SELECT stream, offset, length, time FROM output_chunks WHERE run_id = ? ORDER BY seq').all(runId) as Array<{
      stream: number;
      offset: number;
      length: number;
      time: number;
    }>;
    return rows.map((row) => ({ ...row, stream: streamName(row.stream) }));
  }

  async outputSize(runId: string, stream: OutputStream): Promise<number> {
    return fileSize(this.outputFile(runId, stream));
  }

  async readOutput(runId: string, stream: OutputStream, offset: number, length: number): Promise<Uint8Array> {
    return readFileRange(this.outputFile(runId, stream), offset, length);
  }

  async addArtifact(artifact: Artifact): Promise<void> {
    this.write(() => {
      this.db
        .prepare('INSERT INTO artifacts (run_id, name, kind, path, source_path, sha256, size, context, time, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          artifact.runId,
          artifact.name,
          artifact.kind,
          artifact.path,
          artifact.sourcePath,
          artifact.sha256,
          artifact.size,
          artifact.context ?? null,
          artifact.time,
          JSON.stringify(artifact.meta),
        );
      this.bumpChange(artifact.runId);
    });
  }

  async listArtifacts(runId: string): Promise<Artifact[]> {
    const rows = this.db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY time, rowid').all(runId) as Array<Record<string, unknown>>;
    return rows.map((row) => {
      const artifact: Artifact = {
        runId: row.run_id as string,
        name: row.name as string,
        kind: row.kind as Artifact['kind'],
        path: row.path as string,
        sourcePath: row.source_path as string,
        sha256: row.sha256 as string,
        size: row.size as number,
        time: row.time as number,
        meta: JSON.parse(row.meta as string) as Record<string, unknown>,
      };
      if (row.context !== null) artifact.context = row.context as string;
      return artifact;
    });
  }

  artifactDir(runId: string): string {
    return path.join(this.runDir(runId), 'artifacts');
  }

  async changes(since: number): Promise<StoreChanges> {
    const version = this.statement("SELECT value FROM meta WHERE key = 'change_seq'").pluck().get() as number;
    const runIds = version > since ? (this.statement('SELECT id FROM runs WHERE change_seq > ?').pluck().all(since) as string[]) : [];
    return { version, runIds };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
