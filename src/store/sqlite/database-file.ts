import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { RunmeterError } from '../../model/errors.js';

/** Opens the SQLite database in `file`, loading better-sqlite3 on first use (commands that never open a store do not pay for it). */
export function openDatabase(file: string, readonly: boolean): Database.Database {
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new BetterSqlite3(file, { readonly });
}

/** Whether better-sqlite3 failed for want of a native binding built for this Node (install scripts off, another ABI). */
export function isMissingBinding(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  return /Could not locate the bindings file|NODE_MODULE_VERSION|compiled against a different Node\.js version|better_sqlite3\.node/.test(message);
}

/** One line naming the command that builds the binding, in the folder runmeter is installed in. */
export function missingBindingError(error: unknown): RunmeterError {
  const installRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return new RunmeterError(
    'E_SQLITE_BINDING',
    `the SQLite module (better-sqlite3) has no native binding built for this Node (${process.version}, ABI ${process.versions.modules}); fix it with: cd '${installRoot}' && npm rebuild better-sqlite3`,
    { cause: error },
  );
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
