// An artifact as a row of either store's artifacts table: the values an INSERT takes, and the Artifact a row gives.
import type { Artifact } from './store.js';

/** The columns an artifact's row fills, in the order of `artifactValues`. */
export const artifactColumns = 'run_id, name, kind, path, source_path, sha256, size, context, time, meta';

/** An artifact's values for its row, in the order of `artifactColumns`. */
export function artifactValues(artifact: Artifact): unknown[] {
  return [
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
  ];
}

/** The artifact a row of the table holds. */
export function artifactFromRow(row: Record<string, unknown>): Artifact {
  const artifact: Artifact = {
    runId: row.run_id as string,
    name: row.name as string,
    kind: row.kind as Artifact['kind'],
    path: row.path as string,
    sourcePath: row.source_path as string,
    sha256: row.sha256 as string,
    size: Number(row.size),
    time: Number(row.time),
    meta: JSON.parse(row.meta as string) as Record<string, unknown>,
  };
  if (row.context !== null && row.context !== undefined) artifact.context = row.context as string;
  return artifact;
}
