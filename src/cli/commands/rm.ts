import type { Command } from 'commander';
import type { Run } from '../../model/run.js';
import type { CliContext } from '../context.js';
import { deleteRuns } from '../delete-runs.js';

/** `runmeter rm RUN...`: deletes runs with their metrics and output. */
export function register(program: Command, context: CliContext): void {
  program
    .command('rm')
    .description('delete runs with their metrics, output and artifacts, and free the space')
    .argument('<runs...>', 'ids, unique id prefixes, names, or "last"')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--store <store>', 'store to delete from (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (refs: string[], flags: { yes?: boolean; store?: string }) => {
      const store = context.store(flags.store);
      const runs = new Map<string, Run>();
      for (const ref of refs) {
        const run = await store.resolveRun(ref);
        runs.set(run.id, run);
      }
      await deleteRuns(context, store, [...runs.values()], flags);
    });
}
