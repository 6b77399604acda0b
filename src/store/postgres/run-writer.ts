import { RunmeterError } from '../../model/errors.js';
import type { Run, RunUpdate } from '../../model/run.js';
import { joinedRunState, type MemberUpdate, mergeMember, type RunMember } from '../../model/run-members.js';
import type { Client } from './connection.js';

/** The transaction's id, as a number: what marks a run changed (see PostgresStore.changes). */
export const CURRENT_XID = 'pg_current_xact_id()::text::bigint';

/** Column names a RunUpdate field writes; the SQL is built only from this fixed list, never from the caller. */
const updateColumns: Array<[keyof RunUpdate, string, (value: unknown) => unknown]> = [
  ['status', 'status', (v) => v],
  ['exitCode', 'exit_code', (v) => v],
  ['signal', 'signal', (v) => v],
  ['reason', 'reason', (v) => v],
  ['cause', 'cause', (v) => v],
  ['note', 'note', (v) => v],
  ['project', 'project', (v) => v],
  ['endTime', 'end_time', (v) => v],
  ['name', 'name', (v) => v],
  ['tags', 'tags', (v) => JSON.stringify(v)],
  ['system', 'system', (v) => JSON.stringify(v)],
  ['energy', 'energy', (v) => JSON.stringify(v)],
  ['gitCommit', 'git_commit', (v) => v],
  ['gitDirty', 'git_dirty', (v) => (v ? 1 : 0)],
];

/** Inserts the run; false, changing nothing, when a run with its id exists already. */
export async function insertRun(client: Client, run: Run): Promise<boolean> {
  const result = await client.query({
    name: 'rm_insert_run',
    text: `INSERT INTO runs (id, name, project, command, cwd, host, "user", git_commit, git_dirty, status, exit_code, signal, reason, cause, note,
             start_time, end_time, heartbeat, version, agent_pid, agent_id, params, tags, source, system, join_key, members, change_xid)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16, $18, $19, $20, $21, $22, $23, $24, $25, $26, ${CURRENT_XID})
           ON CONFLICT (id) DO NOTHING`,
    values: [
      run.id,
      run.name,
      run.project ?? null,
      JSON.stringify(run.command),
      run.cwd,
      run.host,
      run.user,
      run.gitCommit ?? null,
      run.gitDirty === undefined ? null : run.gitDirty ? 1 : 0,
      run.status,
      run.exitCode ?? null,
      run.signal ?? null,
      run.reason ?? null,
      run.cause ?? null,
      run.note ?? null,
      run.startTime,
      run.endTime ?? null,
      run.version,
      run.agentPid ?? null,
      run.agentId ?? null,
      JSON.stringify(run.params),
      JSON.stringify(run.tags),
      run.source,
      run.system === undefined ? null : JSON.stringify(run.system),
      run.joinKey ?? null,
      run.members === undefined ? null : JSON.stringify(run.members),
    ],
  });
  return (result.rowCount ?? 0) > 0;
}

/** The join key of an existing run (null: it has none); undefined when there is no such run. */
export async function joinKeyOf(client: Client, id: string): Promise<string | null | undefined> {
  const rows = (await client.query('SELECT join_key FROM runs WHERE id = $1', [id])).rows as Array<{ join_key: string | null }>;
  return rows[0]?.join_key;
}

/**
 * Merges a member into the run's members (its row locked) and sets the run's status, end, exit code and energy from
 * all of them. `onlyIfRunning`: change the member only while it is still running (marking it lost).
 */
export async function applyMember(client: Client, id: string, update: MemberUpdate, onlyIfRunning = false): Promise<void> {
  const rows = (await client.query('SELECT members FROM runs WHERE id = $1 FOR UPDATE', [id])).rows as Array<{ members: string | null }>;
  if (rows[0] === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
  const current = rows[0].members === null ? [] : (JSON.parse(rows[0].members) as RunMember[]);
  if (onlyIfRunning && current.find((member) => member.key === update.key)?.status !== 'running') return;
  const members = mergeMember(current, update);
  const state = joinedRunState(members);
  await client.query(
    `UPDATE runs SET members = $2, status = $3, exit_code = $4, signal = $5, reason = $6, cause = $7, end_time = $8,
       energy = coalesce($9, energy), system = coalesce(system, $10), start_time = least(start_time, coalesce($11::float8, start_time)) WHERE id = $1`,
    [
      id,
      JSON.stringify(members),
      state.status,
      state.exitCode ?? null,
      state.signal ?? null,
      state.reason ?? null,
      state.cause ?? null,
      state.endTime ?? null,
      state.energy === undefined ? null : JSON.stringify(state.energy),
      update.system === undefined ? null : JSON.stringify(update.system),
      state.startTime ?? null,
    ],
  );
}

/**
 * Marks the run changed by this transaction (and alive at `heartbeat`), locking its row until commit, so the
 * batches of one run apply one after another. Throws E_RUN_NOT_FOUND when there is no such run.
 */
export async function touchRun(client: Client, id: string, heartbeat: number | null = null): Promise<void> {
  const result = await client.query({
    name: 'rm_touch_run',
    text: `UPDATE runs SET change_xid = ${CURRENT_XID},
             heartbeat = CASE WHEN $2::float8 IS NULL THEN heartbeat ELSE greatest(coalesce(heartbeat, 0), $2::float8) END
           WHERE id = $1`,
    values: [id, heartbeat],
  });
  if (result.rowCount === 0) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
}

/** Applies the changed fields of a run. */
export async function updateRun(client: Client, id: string, update: RunUpdate): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [field, column, encode] of updateColumns) {
    if (update[field] === undefined) continue;
    values.push(encode(update[field]));
    sets.push(`${column} = $${values.length}`);
  }
  if (sets.length === 0) return;
  await client.query(`UPDATE runs SET ${sets.join(', ')} WHERE id = $1`, values);
}

/** Reads a JSON column of a run, locked for this transaction. */
async function lockedJson<T>(client: Client, id: string, column: 'params' | 'tags'): Promise<T> {
  const rows = (await client.query(`SELECT ${column} AS value FROM runs WHERE id = $1 FOR UPDATE`, [id])).rows as Array<{ value: string }>;
  if (rows[0] === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `no run with id ${id}`);
  return JSON.parse(rows[0].value) as T;
}

/** Merges params into the run's, keeping the order they were first given in. */
export async function mergeParams(client: Client, id: string, params: Record<string, unknown>): Promise<void> {
  const current = await lockedJson<Record<string, unknown>>(client, id, 'params');
  await client.query('UPDATE runs SET params = $2 WHERE id = $1', [id, JSON.stringify({ ...current, ...params })]);
}

/** Adds tags the run does not have yet. */
export async function addTags(client: Client, id: string, tags: readonly string[]): Promise<void> {
  const had = await lockedJson<string[]>(client, id, 'tags');
  const added = tags.filter((tag, i) => !had.includes(tag) && tags.indexOf(tag) === i);
  if (added.length > 0) await client.query('UPDATE runs SET tags = $2 WHERE id = $1', [id, JSON.stringify([...had, ...added])]);
}
