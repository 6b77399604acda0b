// The artifacts table of the SQLite store: a run's logged files and models, by row.

import { artifactColumns, artifactFromRow, artifactValues } from '../artifact-row.js';
import type { Artifact } from '../store.js';
import type { SqliteDatabase } from './database-file.js';

/** Adds an artifact's row (inside the caller's write). */
export function insertArtifact(db: SqliteDatabase, artifact: Artifact): void {
  db.prepare(`INSERT INTO artifacts (${artifactColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...artifactValues(artifact));
}

/** A run's artifacts, in the order they were logged. */
export function artifactsOf(db: SqliteDatabase, runId: string): Artifact[] {
  const rows = db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY time, rowid').all(runId) as Array<Record<string, unknown>>;
  return rows.map(artifactFromRow);
}
