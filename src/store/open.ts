import { storeLocation } from './location.js';
import { type PostgresOptions, PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export { runmeterHome, storeLocation } from './location.js';

/**
 * Opens the store a spec names: `--store PATH` (a folder, or a `.db` file), `--store postgres://...`, else
 * `$RUNMETER_STORE`, else the embedded store under runmeter's home. A PostgreSQL store connects on first use.
 */
export function openStore(spec?: string, env: NodeJS.ProcessEnv = process.env, options: { postgres?: PostgresOptions } = {}): Store {
  const location = storeLocation(spec, env);
  if (location.kind === 'postgres') return new PostgresStore(location.url, options.postgres);
  return new SqliteStore(location.dbFile, location.filesDir);
}
