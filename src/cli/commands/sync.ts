import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import { findSpools, HttpSink, type MergedSpool, mergeSpools, spoolBases, storeSink } from '../../record/index.js';
import { isAgentAlive } from '../../store/agent-process.js';
import type { CliContext } from '../context.js';

interface SyncFlags {
  store?: string;
  server?: string;
  token?: string;
  from?: string[];
  json?: boolean;
}

/**
 * `runmeter sync`: adds to the store what recorders left in spools (the store was locked, full or unreachable while
 * they ran), each batch exactly once. Every command that reads a store does this for its own store first; `sync` says
 * what it did, takes spools meant for another store with --from, and exits 1 when a spool could not be added.
 */
export function register(program: Command, context: CliContext): void {
  program
    .command('sync')
    .description('add what runs left in spools (the store was locked, full or unreachable) to the store, exactly once')
    .option('--store <store>', 'store to add to (default: $RUNMETER_STORE or ~/.runmeter)')
    .option('--server <url>', 'add them to this runmeter server instead (default: $RUNMETER_SERVER unless --store is given)')
    .option('--token <token>', 'the token for --server (default: $RUNMETER_TOKEN)')
    .option('--from <dir...>', 'spool folders (or folders of spools) to add, whichever store they were meant for')
    .option('--json', 'print what was added as JSON')
    .action(async (flags: SyncFlags) => {
      const server = flags.server ?? (flags.store === undefined ? context.env.RUNMETER_SERVER || undefined : undefined);
      if (server !== undefined) {
        await syncToServer(context, new HttpSink(server, flags.token ?? (context.env.RUNMETER_TOKEN || undefined)), flags);
        return;
      }
      const store = context.store(flags.store);
      const from = flags.from?.map((dir) => path.resolve(dir));
      if (from !== undefined) {
        // A folder that is there but empty is fine: another sync may just have added what it held.
        const missing = from.filter((dir) => !fs.existsSync(dir));
        if (missing.length > 0) throw new RunmeterError('E_NO_SPOOL', `--from: no such folder: ${missing.join(', ')}`);
      }
      const merged = await mergeSpools(storeSink(store), from ?? spoolBases(context.env), { all: from !== undefined });
      const lost = await store.markLostRuns(os.hostname(), isAgentAlive).catch(() => []);
      const elsewhere =
        from === undefined
          ? findSpools(spoolBases(context.env)).filter((s) => s.meta.location !== store.location && !isAgentAlive(s.meta.pid, s.meta.agentId))
          : [];
      if (flags.json) {
        const json = {
          store: store.location,
          merged: merged.map(({ dir, runId, batches, points, problem }) => ({ dir, runId, batches, points, ...(problem ? { problem } : {}) })),
          lost: lost.map((run) => run.id),
          waitingForOtherStores: elsewhere.map((s) => ({ dir: s.dir, runId: s.meta.runId, location: s.meta.location })),
        };
        context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        context.stdout.write(describe(merged, store.location));
        for (const run of lost) context.stdout.write(`run ${run.id} "${run.name}" is lost: the runmeter recording it stopped\n`);
        for (const s of elsewhere)
          context.stdout.write(`${s.dir} waits for ${s.meta.location} (run ${s.meta.runId}): runmeter sync --store ${s.meta.location}\n`);
      }
      if (merged.some((m) => m.problem !== undefined)) context.setExitCode(1);
    });
}

function describe(merged: MergedSpool[], location: string): string {
  if (merged.length === 0) return `nothing waits for ${location}\n`;
  return merged
    .map((m) =>
      m.problem !== undefined
        ? `could not add all of ${m.dir} (run ${m.runId}): ${m.problem}; added ${m.batches} batches, ${m.points} points\n`
        : `added ${m.points} points (${m.batches} batches) of run ${m.runId} from ${m.dir}\n`,
    )
    .join('');
}

/** `sync --server`: the spools of runs recorded with `run --server` while the server was away, posted now. */
async function syncToServer(context: CliContext, sink: HttpSink, flags: SyncFlags): Promise<void> {
  const from = flags.from?.map((dir) => path.resolve(dir));
  const merged = await mergeSpools(sink, from ?? spoolBases(context.env), { all: from !== undefined });
  await sink.close();
  if (flags.json) context.stdout.write(`${JSON.stringify({ server: sink.location, merged }, null, 2)}\n`);
  else context.stdout.write(describe(merged, sink.location));
  if (merged.some((m) => m.problem !== undefined)) context.setExitCode(1);
}
