import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { openDatabase } from '../../src/store/sqlite/database-file.js';
import type { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { postgresDatabase, postgresSkipReason, requirePostgres, sql } from '../helpers/postgres.js';

/** A store backend the shared store tests run against: where a fresh store lives, and raw SQL on it (fault injection). */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why this backend's tests skip here; undefined when they run. */
  skip: string | undefined;
  /** A new, empty store location: a folder, or a PostgreSQL URL. */
  location(): Promise<string>;
  /** Opens (another) store on a location; closed after the test. */
  open(location: string): Store;
  /** Runs SQL statements on the location's database behind the store's back. */
  exec(location: string, statements: string): Promise<void>;
  /** SQL that makes every UPDATE of the series table fail (as a full disk would), and SQL that stops it. */
  failSeriesUpdates: { on: string; off: string };
}

/** Both backends, each test with stores of its own; call once at the top of a test file. */
export function storeBackends(): Backend[] {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  const open = (location: string) => {
    const store = openStore(location, {});
    opened.push(store);
    return store;
  };
  requirePostgres();
  const database = postgresDatabase();
  return [
    {
      name: 'sqlite',
      skip: undefined,
      location: async () => tempHome(),
      open,
      async exec(location, statements) {
        const db = openDatabase(path.join(location, 'runmeter.db'), false);
        try {
          db.exec(statements);
        } finally {
          db.close();
        }
      },
      failSeriesUpdates: {
        on: "CREATE TRIGGER IF NOT EXISTS fail BEFORE UPDATE ON series BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
        off: 'DROP TRIGGER IF EXISTS fail',
      },
    },
    {
      name: 'postgres',
      skip: postgresSkipReason,
      location: () => database.schema(),
      open,
      async exec(location, statements) {
        await sql(location, statements);
      },
      failSeriesUpdates: {
        on: `CREATE OR REPLACE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk I/O error'; END $$;
             CREATE OR REPLACE TRIGGER fail BEFORE UPDATE ON series FOR EACH ROW EXECUTE FUNCTION fail()`,
        off: 'DROP TRIGGER IF EXISTS fail ON series',
      },
    },
  ];
}

/** The title of a backend's describe block, saying why it skips when it does. */
export function backendTitle(backend: Backend, what: string): string {
  return `${what} (${backend.name})${backend.skip ? ` [skipped: ${backend.skip}]` : ''}`;
}
