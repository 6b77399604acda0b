// The tokens table of the SQLite store: the team server's API tokens, kept only as hashes.

import type { ApiToken } from '../store.js';
import type { SqliteDatabase } from './database-file.js';

/** Adds a token's row; false when a token of that name exists already. */
export function insertToken(db: SqliteDatabase, name: string, hash: string, createdAt: number): boolean {
  return db.prepare('INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(name, hash, createdAt).changes > 0;
}

/** Every token, oldest first. */
export function tokensOf(db: SqliteDatabase): ApiToken[] {
  const rows = db.prepare('SELECT name, hash, created_at FROM tokens ORDER BY created_at, name').all() as Array<{
    name: string;
    hash: string;
    created_at: number;
  }>;
  return rows.map((row) => ({ name: row.name, hash: row.hash, createdAt: row.created_at }));
}

/** Removes a token's row; false when there was none. */
export function deleteToken(db: SqliteDatabase, name: string): boolean {
  return db.prepare('DELETE FROM tokens WHERE name = ?').run(name).changes > 0;
}
