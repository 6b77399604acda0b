import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { RunmeterError } from '../../model/errors.js';
import { NodeSqliteDatabase } from './node-sqlite.js';

/** The part of a SQLite connection the store uses: better-sqlite3's Database, or node:sqlite behind the same calls. */
export interface SqliteDatabase {
  readonly open: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<T>(work: () => T): { immediate(): T };
  close(): unknown;
}

/** A prepared statement; `pluck()` makes `get` and `all` return the first column's values, and returns the statement. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  pluck(): SqliteStatement;
}

export type SqliteDriver = 'better-sqlite3' | 'node:sqlite';

/**
 * better-sqlite3 on Node 20 and 22; Node's own node:sqlite from Node 24 on, where better-sqlite3 12 (the last major
 * that runs on Node 20) aborts the process when the garbage collector frees one of its statements or databases
 * (Node 24's ObjectWrap cleanup hooks, nodejs/node#65446). RUNMETER_SQLITE_DRIVER picks one by name.
 */
export function sqliteDriver(env: NodeJS.ProcessEnv = process.env): SqliteDriver {
  const chosen = env.RUNMETER_SQLITE_DRIVER;
  if (chosen === undefined || chosen === '') return Number(process.versions.node.split('.')[0]) >= 24 ? 'node:sqlite' : 'better-sqlite3';
  if (chosen === 'better-sqlite3' || chosen === 'node:sqlite') return chosen;
  throw new RunmeterError('E_SQLITE_DRIVER', `RUNMETER_SQLITE_DRIVER is "${chosen}"; expected better-sqlite3 or node:sqlite (or unset)`);
}

/** Opens the SQLite database in `file`, loading the driver on first use (commands that never open a store do not pay for it). */
export function openDatabase(file: string, readonly: boolean): SqliteDatabase {
  if (sqliteDriver() === 'node:sqlite') {
    if (!hasNodeSqlite())
      throw new RunmeterError('E_SQLITE_DRIVER', `RUNMETER_SQLITE_DRIVER=node:sqlite needs Node 22.16 or later; this is Node ${process.version}`);
    return new NodeSqliteDatabase(file, readonly);
  }
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new BetterSqlite3(file, { readonly }) as unknown as SqliteDatabase;
}

/** Whether this Node has node:sqlite with the calls runmeter needs (statement.setReturnArrays came in 22.16 and 24.0). */
export function hasNodeSqlite(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major >= 24 || (major === 22 && minor >= 16);
}

/** Whether better-sqlite3 failed for want of a native binding built for this Node (install scripts off, another ABI). */
export function isMissingBinding(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  return /Could not locate the bindings file|NODE_MODULE_VERSION|compiled against a different Node\.js version|better_sqlite3\.node/.test(message);
}

/** One line naming the command that builds the binding, in the folder whose node_modules holds better-sqlite3. */
export function missingBindingError(error: unknown): RunmeterError {
  const folder = folderHolding('better-sqlite3');
  const fix = folder === undefined ? 'npm rebuild better-sqlite3 (in the folder runmeter is installed in)' : `cd '${folder}' && npm rebuild better-sqlite3`;
  return new RunmeterError(
    'E_SQLITE_BINDING',
    `the SQLite module (better-sqlite3) has no native binding built for this Node (${process.version}, ABI ${process.versions.modules}); fix it with: ${fix}`,
    { cause: error },
  );
}

/**
 * The folder whose node_modules holds the package `name` (where `npm rebuild NAME` rebuilds it), as Node resolves it
 * from here. Not a path relative to this file: the build bundles this module into another folder
 * (scripts/bundle.mjs).
 */
function folderHolding(name: string): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
    return path.resolve(path.dirname(manifest), '../..');
  } catch {
    return undefined;
  }
}

/** Creates `file` empty with mode 0600 unless it exists; refuses a symbolic link there. */
export function createPrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (fs.lstatSync(file).isSymbolicLink()) throw new Error('it is a symbolic link (runmeter does not follow links to its database)');
  }
}
