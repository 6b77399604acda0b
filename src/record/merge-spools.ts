import fs from 'node:fs';
import { batchPoints } from '../model/batch.js';
import { isAgentAlive } from '../store/agent-process.js';
import type { PointSink } from './sink.js';
import { findSpools, readSpooledBatch } from './spool.js';

/** What merging one spool did. */
export interface MergedSpool {
  dir: string;
  runId: string;
  batches: number;
  points: number;
  /** Set when the spool could not be merged (yet): why. */
  problem?: string;
}

/**
 * Applies the spools a dead recorder left for this sink's location, oldest batch first, exactly once (a batch the
 * store has already applied is recognised by its seq), and removes them. Spools of a recorder still running are
 * its own business. Two commands merging at once apply each batch once too.
 */
export async function mergeSpools(sink: PointSink, bases: readonly string[], options: { all?: boolean } = {}): Promise<MergedSpool[]> {
  const merged: MergedSpool[] = [];
  for (const spool of findSpools(bases)) {
    if (!options.all && spool.meta.location !== sink.location) continue;
    if (isAgentAlive(spool.meta.pid, spool.meta.agentId)) continue;
    const result: MergedSpool = { dir: spool.dir, runId: spool.meta.runId, batches: 0, points: 0 };
    for (const file of spool.batches) {
      try {
        const batch = readSpooledBatch(file);
        const { applied } = await sink.write(batch);
        if (applied) {
          result.batches++;
          result.points += batchPoints(batch);
        }
        fs.rmSync(file, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another command merged it meanwhile
        result.problem = `${file}: ${(error as Error).message}`;
        break;
      }
    }
    if (result.problem === undefined) fs.rmSync(spool.dir, { recursive: true, force: true });
    if (result.batches > 0 || result.problem !== undefined) merged.push(result);
  }
  return merged;
}
