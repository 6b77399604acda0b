import { RunmeterError } from '../model/errors.js';
import { storeLocation } from './location.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export { runmeterHome, storeLocation } from './location.js';

/**
 * Opens the store a spec names: `--store PATH` (a folder, or a `.db` file), `--store postgres://...`, else
 * `$RUNMETER_STORE`, else the embedded store under runmeter's home.
 */
export function openStore(spec?: string, env: NodeJS.ProcessEnv = process.env): Store {
  const location = storeLocation(spec, env);
  if (location.kind === 'postgres') {
    throw new RunmeterError(
      'E_NOT_BUILT',
      `the PostgreSQL store is not built yet (asked for by ${spec === undefined ? 'RUNMETER_STORE' : '--store'}); use the embedded store: a folder or a .db file`,
    );
  }
  return new SqliteStore(location.dbFile, location.filesDir);
}
