import { RunmeterError } from '../../model/errors.js';
import type { Run } from '../../model/run.js';
import { closestMatches } from '../../model/text.js';
import { type RunRow, runFromRow } from '../sqlite/rows.js';
import type { Database } from './connection.js';

const newestFirst = 'ORDER BY start_time DESC, row_no DESC';

/** An id, a unique id prefix, a name (the newest run with it), or `last`; E_RUN_NOT_FOUND names the closest. */
export async function resolveRun(db: Database, location: string, ref: string): Promise<Run> {
  const one = async (sql: string, ...params: unknown[]) => (await db.query<RunRow>(sql, params))[0];
  if (ref === 'last') {
    const row = await one(`SELECT * FROM runs ${newestFirst} LIMIT 1`);
    if (row === undefined) throw new RunmeterError('E_RUN_NOT_FOUND', `there are no runs yet in ${location}`);
    return runFromRow(row);
  }
  const exact = (await one('SELECT * FROM runs WHERE id = $1', ref)) ?? (await one(`SELECT * FROM runs WHERE name = $1 ${newestFirst} LIMIT 1`, ref));
  if (exact !== undefined) return runFromRow(exact);
  if (/^[0-9a-z]+$/.test(ref)) {
    const byPrefix = await db.query<RunRow>('SELECT * FROM runs WHERE id >= $1 AND id < $2 ORDER BY id COLLATE "C" LIMIT 6', [ref, `${ref}\u{10ffff}`]);
    if (byPrefix.length === 1) return runFromRow(byPrefix[0] as RunRow);
    if (byPrefix.length > 1) {
      const ids = byPrefix.slice(0, 5).map((r) => `${r.id} (${r.name})`);
      throw new RunmeterError(
        'E_RUN_AMBIGUOUS',
        `run "${ref}" is ambiguous: it starts ${byPrefix.length > 5 ? 'more than 5' : byPrefix.length} run ids: ${ids.join(', ')}`,
      );
    }
  }
  const names = (await db.query<{ name: string }>('SELECT name FROM runs GROUP BY name ORDER BY max(start_time) DESC LIMIT 5000')).map((r) => r.name);
  const near = closestMatches(ref, names);
  const hint =
    near.length > 0
      ? `; closest names: ${near.join(', ')}`
      : names.length === 0
        ? '; there are no runs yet'
        : `; the newest names are ${names.slice(0, 3).join(', ')} (runmeter ls lists them all)`;
  throw new RunmeterError('E_RUN_NOT_FOUND', `no run matches "${ref}" (an id, an id prefix, a name, or "last")${hint}`);
}
