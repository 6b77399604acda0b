// Reading runs in bulk: the runs list with its filters, projects, and the series of many runs in a few queries.

import type { Run } from '../../model/run.js';
import type { SeriesKind } from '../../model/series.js';
import type { ProjectSummary, RunFilter, SeriesSummary } from '../store.js';
import type { SqliteDatabase } from './database-file.js';
import { type RunRow, runFromRow, type SeriesRow, seriesFromRow } from './rows.js';

/** Runs ids per query: well under SQLite's limit on bound parameters. */
const IDS_PER_QUERY = 500;

/** Runs newest first, filtered by status, project, text (id, name, command, host) and start time. */
export function listRuns(db: SqliteDatabase, filter: RunFilter): Run[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (filter.project === null) where.push('project IS NULL');
  else if (filter.project !== undefined) {
    where.push('project = ?');
    params.push(filter.project);
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
  return (db.prepare(sql).all(...params) as RunRow[]).map(runFromRow);
}

/** The series of many runs, a few hundred runs per query, in the order of `runIds`. */
export function listSeriesOfRuns(db: SqliteDatabase, runIds: readonly string[], kinds?: readonly SeriesKind[]): SeriesSummary[] {
  const out: SeriesSummary[] = [];
  const kindClause = kinds === undefined ? '' : ` AND kind IN (${kinds.map(() => '?').join(', ')})`;
  for (let start = 0; start < runIds.length; start += IDS_PER_QUERY) {
    const ids = runIds.slice(start, start + IDS_PER_QUERY);
    const rows = db
      .prepare(`SELECT * FROM series WHERE run_id IN (${ids.map(() => '?').join(', ')})${kindClause} ORDER BY kind, name, context, rank`)
      .all(...ids, ...(kinds ?? [])) as SeriesRow[];
    const byRun = new Map<string, SeriesSummary[]>();
    for (const row of rows) {
      const list = byRun.get(row.run_id);
      if (list) list.push(seriesFromRow(row));
      else byRun.set(row.run_id, [seriesFromRow(row)]);
    }
    for (const id of ids) out.push(...(byRun.get(id) ?? []));
  }
  return out;
}

/** Projects with their run counts, the one with the newest run first. */
export function listProjects(db: SqliteDatabase): ProjectSummary[] {
  const rows = db
    .prepare('SELECT project, COUNT(*) AS runs, MAX(start_time) AS last_start FROM runs GROUP BY project ORDER BY last_start DESC')
    .all() as Array<{
    project: string | null;
    runs: number;
    last_start: number;
  }>;
  return rows.map((row) => ({ ...(row.project === null ? {} : { project: row.project }), runs: row.runs, lastStart: row.last_start }));
}
