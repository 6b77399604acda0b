// The artifacts table of the SQLite store: a run's logged files and models, by row.
import type Database from 'better-sqlite3';
import type { Artifact } from '../store.js';

/** Adds an artifact's row (inside the caller's write). */
export function insertArtifact(db: Database.Database, artifact: Artifact): void {
  db.prepare('INSERT INTO artifacts (run_id, name, kind, path, source_path, sha256, size, context, time, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    artifact.runId,
    artifact.name,
    artifact.kind,
    artifact.path,
    artifact.sourcePath,
    artifact.sha256,
    artifact.size,
    artifact.context ?? null,
    artifact.time,
    JSON.stringify(artifact.meta),
  );
}

/** A run's artifacts, in the order they were logged. */
export function artifactsOf(db: Database.Database, runId: string): Artifact[] {
  const rows = db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY time, rowid').all(runId) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const artifact: Artifact = {
      runId: row.run_id as string,
      name: row.name as string,
      kind: row.kind as Artifact['kind'],
      path: row.path as string,
      sourcePath: row.source_path as string,
      sha256: row.sha256 as string,
      size: row.size as number,
      time: row.time as number,
      meta: JSON.parse(row.meta as string) as Record<string, unknown>,
    };
    if (row.context !== null) artifact.context = row.context as string;
    return artifact;
  });
}
