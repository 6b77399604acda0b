import { RunmeterError } from '../../model/errors.js';
import type { Run, RunUpdate } from '../../model/run.js';
import { joinedRunState, type MemberUpdate, mergeMember, type RunMember } from '../../model/run-members.js';
import type { SqliteDatabase } from './database-file.js';

/** The runs table's writes, as synchronous steps to run inside a transaction: the public calls and applyBatch share them. */
export class RunWriter {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO runs (id, name, project, command, cwd, host, user, git_commit, git_dirty, status, exit_code, signal, reason, cause, note,
           start_time, end_time, heartbeat, version, agent_pid, agent_id, params, tags, source, system, join_key, members)
         VALUES (@id, @name, @project, @command, @cwd, @host, @user, @gitCommit, @gitDirty, @status, @exitCode, @signal, @reason, @cause, @note,
           @startTime, @endTime, @startTime, @version, @agentPid, @agentId, @params, @tags, @source, @system, @joinKey, @members)
         ON CONFLICT (id) DO NOTHING`,
      ),
      exists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
      joinKey: db.prepare('SELECT join_key FROM runs WHERE id = ?').pluck(),
      members: db.prepare('SELECT members FROM runs WHERE id = ?').pluck(),
      setMembers: db.prepare(
        `UPDATE runs SET members = @members, status = @status, exit_code = @exitCode, signal = @signal, reason = @reason, cause = @cause,
           end_time = @endTime, start_time = min(start_time, coalesce(@startTime, start_time)), energy = coalesce(@energy, energy),
           system = coalesce(system, @system) WHERE id = @id`,
      ),
      params: db.prepare('SELECT params FROM runs WHERE id = ?').pluck(),
      setParams: db.prepare('UPDATE runs SET params = ? WHERE id = ?'),
      tags: db.prepare('SELECT tags FROM runs WHERE id = ?').pluck(),
      setTags: db.prepare('UPDATE runs SET tags = ? WHERE id = ?'),
      heartbeat: db.prepare('UPDATE runs SET heartbeat = max(coalesce(heartbeat, 0), ?) WHERE id = ?'),
      nextChange: db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value").pluck(),
      markChange: db.prepare('UPDATE runs SET change_seq = ? WHERE id = ?'),
    };
  }

  /** Inserts the run; returns false, changing nothing, when a run with its id exists already. */
  insert(run: Run): boolean {
    const result = this.statements.insert.run({
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
      cause: run.cause ?? null,
      note: run.note ?? null,
      startTime: run.startTime,
      endTime: run.endTime ?? null,
      version: run.version,
      agentPid: run.agentPid ?? null,
      agentId: run.agentId ?? null,
      params: JSON.stringify(run.params),
      tags: JSON.stringify(run.tags),
      source: run.source,
      system: run.system === undefined ? null : JSON.stringify(run.system),
      joinKey: run.joinKey ?? null,
      members: run.members === undefined ? null : JSON.stringify(run.members),
    });
    return result.changes > 0;
  }

  /** The join key of an existing run (null: it has none); undefined when there is no such run. */
  joinKey(id: string): string | null | undefined {
    return this.statements.joinKey.get(id) as string | null | undefined;
  }

  /** A run's members, none when it has none. */
  members(id: string): RunMember[] {
    const current = this.statements.members.get(id) as string | null | undefined;
    return current === null || current === undefined ? [] : (JSON.parse(current) as RunMember[]);
  }

  /** Merges a member into the run's members and sets the run's status, end and exit code from all of them. */
  applyMember(id: string, update: MemberUpdate): void {
    const current = this.statements.members.get(id) as string | null | undefined;
    if (current === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
    const members = mergeMember(current === null ? [] : (JSON.parse(current) as RunMember[]), update);
    const state = joinedRunState(members);
    this.statements.setMembers.run({
      id,
      members: JSON.stringify(members),
      status: state.status,
      exitCode: state.exitCode ?? null,
      signal: state.signal ?? null,
      reason: state.reason ?? null,
      cause: state.cause ?? null,
      endTime: state.endTime ?? null,
      startTime: state.startTime ?? null,
      energy: state.energy === undefined ? null : JSON.stringify(state.energy),
      system: update.system === undefined ? null : JSON.stringify(update.system),
    });
  }

  exists(id: string): boolean {
    return this.statements.exists.get(id) !== undefined;
  }

  update(id: string, update: RunUpdate): void {
    const columns: Record<string, unknown> = {};
    if (update.status !== undefined) columns.status = update.status;
    if (update.exitCode !== undefined) columns.exit_code = update.exitCode;
    if (update.signal !== undefined) columns.signal = update.signal;
    if (update.reason !== undefined) columns.reason = update.reason;
    if (update.cause !== undefined) columns.cause = update.cause;
    // An empty note or project is none: the column goes back to NULL, as for a run that never had one.
    if (update.note !== undefined) columns.note = update.note === '' ? null : update.note;
    if (update.project !== undefined) columns.project = update.project === '' ? null : update.project;
    if (update.endTime !== undefined) columns.end_time = update.endTime;
    if (update.name !== undefined) columns.name = update.name;
    if (update.tags !== undefined) columns.tags = JSON.stringify(update.tags);
    if (update.system !== undefined) columns.system = JSON.stringify(update.system);
    if (update.energy !== undefined) columns.energy = JSON.stringify(update.energy);
    if (update.gitCommit !== undefined) columns.git_commit = update.gitCommit;
    if (update.gitDirty !== undefined) columns.git_dirty = update.gitDirty ? 1 : 0;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    // Column names come from the fixed list above, never from the caller.
    this.db.prepare(`UPDATE runs SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`).run({ ...columns, id });
  }

  mergeParams(id: string, params: Record<string, unknown>): void {
    const current = this.statements.params.get(id) as string | undefined;
    if (current === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
    this.statements.setParams.run(JSON.stringify({ ...JSON.parse(current), ...params }), id);
  }

  addTags(id: string, tags: readonly string[]): void {
    const current = this.statements.tags.get(id) as string | undefined;
    if (current === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
    const had = JSON.parse(current) as string[];
    const added = tags.filter((tag, i) => !had.includes(tag) && tags.indexOf(tag) === i);
    if (added.length > 0) this.statements.setTags.run(JSON.stringify([...had, ...added]), id);
  }

  heartbeat(id: string, time: number): void {
    this.statements.heartbeat.run(time, id);
  }

  /** Marks the run changed, for `changes()` (the dashboard's live updates). */
  bumpChange(id: string): void {
    this.statements.markChange.run(this.statements.nextChange.get() as number, id);
  }
}
