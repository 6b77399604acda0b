import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../src/model/point.js';
import { CHUNK_SIZE } from '../../src/store/chunk-codec.js';
import { hasNodeSqlite, openDatabase, type SqliteDriver, sqliteDriver } from '../../src/store/sqlite/database-file.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';

const major = Number(process.versions.node.split('.')[0]);

/** Runs `open` with RUNMETER_SQLITE_DRIVER set to `driver`: the driver is chosen when a database opens. */
function withDriver<T>(driver: SqliteDriver, open: () => T): T {
  const before = process.env.RUNMETER_SQLITE_DRIVER;
  process.env.RUNMETER_SQLITE_DRIVER = driver;
  try {
    return open();
  } finally {
    if (before === undefined) delete process.env.RUNMETER_SQLITE_DRIVER;
    else process.env.RUNMETER_SQLITE_DRIVER = before;
  }
}

/** Whether better-sqlite3 loads here (its binding is built for one Node ABI: CI's Node 24 pass does not rebuild it). */
function betterSqlite3Loads(): boolean {
  try {
    withDriver('better-sqlite3', () => openDatabase(':memory:', false)).close();
    return true;
  } catch {
    return false;
  }
}

const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
const openWith = (driver: SqliteDriver, home: string): Store => {
  const store = withDriver(driver, () => new SqliteStore(path.join(home, 'runmeter.db'), home));
  opened.push(store);
  return store;
};

const loss = (i: number): SeriesPoint => ({ series: { name: 'loss', kind: 'training', context: 'training' }, time: 1_000 + i, step: i, value: 1 / (i + 1) });

async function values(store: Store, runId: string): Promise<{ count: number; values: number[] }> {
  const [series] = await store.listSeries(runId);
  const all: number[] = [];
  for await (const batch of store.readPoints(series?.id as number)) all.push(...batch.value);
  return { count: series?.count ?? 0, values: all };
}

describe('the SQLite driver', () => {
  it('is better-sqlite3 before Node 24 and node:sqlite from 24 on, unless RUNMETER_SQLITE_DRIVER names one', () => {
    expect(sqliteDriver({})).toBe(major >= 24 ? 'node:sqlite' : 'better-sqlite3');
    expect(sqliteDriver({ RUNMETER_SQLITE_DRIVER: '' })).toBe(major >= 24 ? 'node:sqlite' : 'better-sqlite3');
    expect(sqliteDriver({ RUNMETER_SQLITE_DRIVER: 'node:sqlite' })).toBe('node:sqlite');
    expect(sqliteDriver({ RUNMETER_SQLITE_DRIVER: 'better-sqlite3' })).toBe('better-sqlite3');
    expect(() => sqliteDriver({ RUNMETER_SQLITE_DRIVER: 'sqlite3' })).toThrow(
      'RUNMETER_SQLITE_DRIVER is "sqlite3"; expected better-sqlite3 or node:sqlite (or unset)',
    );
  });

  it.skipIf(hasNodeSqlite())('node:sqlite, asked for on a Node without it, is refused with the version it needs', () => {
    expect(() => withDriver('node:sqlite', () => openDatabase(':memory:', false))).toThrow(
      `RUNMETER_SQLITE_DRIVER=node:sqlite needs Node 22.16 or later; this is Node ${process.version}`,
    );
  });

  it.skipIf(!hasNodeSqlite())('node:sqlite commits a transaction that returns, rolls back one that throws, and plucks first columns', () => {
    const db = withDriver('node:sqlite', () => openDatabase(':memory:', false));
    try {
      db.exec('CREATE TABLE t (a INTEGER, b BLOB)');
      expect(db.transaction(() => db.prepare('INSERT INTO t VALUES (?, ?)').run(1, Buffer.from([1, 2])).changes).immediate()).toBe(1);
      expect(() =>
        db
          .transaction(() => {
            db.prepare('INSERT INTO t VALUES (2, NULL)').run();
            throw new Error('no');
          })
          .immediate(),
      ).toThrow('no');
      expect(db.prepare('SELECT a FROM t').pluck().all()).toEqual([1]);
      expect([...(db.prepare('SELECT b FROM t').pluck().get() as Uint8Array)]).toEqual([1, 2]);
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(db.prepare('SELECT a, b FROM t WHERE a = $a').get({ a: 1 })).toMatchObject({ a: 1 });
    } finally {
      db.close();
    }
    expect(db.open).toBe(false);
  });

  it.skipIf(!hasNodeSqlite() || !betterSqlite3Loads())('a store written by one driver is read and extended by the other, both ways', async () => {
    const home = tempHome();
    const points = 2 * CHUNK_SIZE + 7; // two sealed chunks and an open one
    const first = openWith('better-sqlite3', home);
    const run = await first.createRun({ name: 'train', command: ['train'], cwd: '/', host: 'h', user: 'u', startTime: 1, version: '0', source: 'run' });
    await first.appendPoints(
      run.id,
      Array.from({ length: points }, (_, i) => loss(i)),
    );
    await first.close();

    const second = openWith('node:sqlite', home);
    expect(await values(second, run.id)).toEqual({ count: points, values: Array.from({ length: points }, (_, i) => 1 / (i + 1)) });
    await second.appendPoints(run.id, [loss(points), loss(points + 1)]);
    await second.updateRun(run.id, { status: 'succeeded', endTime: 9 });
    await second.close();

    const third = openWith('better-sqlite3', home);
    expect(await values(third, run.id)).toEqual({ count: points + 2, values: Array.from({ length: points + 2 }, (_, i) => 1 / (i + 1)) });
    expect(await third.getRun(run.id)).toMatchObject({ status: 'succeeded', endTime: 9 });
  });
});
