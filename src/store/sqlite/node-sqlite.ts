import { createRequire } from 'node:module';
import type { SqliteDatabase, SqliteStatement } from './database-file.js';

// What runmeter uses of node:sqlite (Node 22.16+, 24); declared here because @types/node follows Node 20.
interface NodeStatement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  setReturnArrays(enabled: boolean): void;
}
interface NodeDatabase {
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}
type NodeDatabaseClass = new (file: string, options: { readOnly: boolean; enableForeignKeyConstraints: boolean }) => NodeDatabase;

let DatabaseSync: NodeDatabaseClass | undefined;

/**
 * Loads node:sqlite once. Node before 24.15 calls it experimental and says so on stderr the first time; runmeter
 * chose it knowingly, so that one warning is dropped (any other warning still goes through).
 */
function loadDatabaseClass(): NodeDatabaseClass {
  if (DatabaseSync !== undefined) return DatabaseSync;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (typeof warning === 'string' && warning.startsWith('SQLite is an experimental feature')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    DatabaseSync = (createRequire(import.meta.url)('node:sqlite') as { DatabaseSync: NodeDatabaseClass }).DatabaseSync;
  } finally {
    process.emitWarning = emitWarning;
  }
  return DatabaseSync;
}

/** A node:sqlite statement with better-sqlite3's `pluck()`: `get` and `all` then give the first column's values. */
class NodeSqliteStatement implements SqliteStatement {
  private plucked = false;

  constructor(private readonly statement: NodeStatement) {}

  run(...params: unknown[]): { changes: number | bigint } {
    return this.statement.run(...params);
  }

  get(...params: unknown[]): unknown {
    const row = this.statement.get(...params);
    return this.plucked && row !== undefined ? (row as unknown[])[0] : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.statement.all(...params);
    return this.plucked ? rows.map((row) => (row as unknown[])[0]) : rows;
  }

  pluck(): SqliteStatement {
    this.plucked = true;
    this.statement.setReturnArrays(true);
    return this;
  }
}

/**
 * A database opened with Node's own node:sqlite, behind the part of better-sqlite3's interface the store uses.
 * Blobs come back as Uint8Array (better-sqlite3 gives Buffers); the store reads them as Uint8Array either way.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  private readonly db: NodeDatabase;

  constructor(file: string, readonly: boolean) {
    const Database = loadDatabaseClass();
    // Foreign keys off at first, as in better-sqlite3 (SQLite's default): the store turns them on after its migrations.
    this.db = new Database(file, { readOnly: readonly, enableForeignKeyConstraints: false });
  }

  get open(): boolean {
    return this.db.isOpen;
  }

  prepare(sql: string): SqliteStatement {
    return new NodeSqliteStatement(this.db.prepare(sql));
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.prepare(`PRAGMA ${source}`);
    return options.simple ? statement.pluck().get() : statement.all();
  }

  /** `work` in a transaction that `immediate()` begins IMMEDIATE, committed when it returns, rolled back when it throws. */
  transaction<T>(work: () => T): { immediate(): T } {
    return {
      immediate: () => {
        this.db.exec('BEGIN IMMEDIATE');
        try {
          const result = work();
          this.db.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.db.isTransaction) this.db.exec('ROLLBACK');
          throw error;
        }
      },
    };
  }

  close(): void {
    this.db.close();
  }
}
