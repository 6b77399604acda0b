import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { type RunStatus, runStatuses } from '../../model/run.js';
import type { CliContext } from '../context.js';
import { deleteRuns } from '../delete-runs.js';
import { ageOption } from '../options.js';
import { settleLostRuns } from '../run-view.js';

/** `runmeter gc --older-than AGE`: deletes finished runs older than an age. */
export function register(program: Command, context: CliContext): void {
  program
    .command('gc')
    .description('delete finished runs older than an age (running runs are never touched)')
    .requiredOption('--older-than <age>', 'age such as 30d, 12h, 2w', ageOption('--older-than'))
    .option('--status <status>', 'only runs with this status (succeeded, failed, killed, lost)')
    .option('--dry-run', 'only say what would be deleted')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print what was deleted as JSON (docs/json.md)')
    .option('--store <store>', 'store to clean (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (flags: { olderThan: number; status?: string; dryRun?: boolean; yes?: boolean; store?: string; json?: boolean }) => {
      const finished: RunStatus[] = runStatuses.filter((s) => s !== 'running');
      if (flags.status !== undefined && !finished.includes(flags.status as RunStatus)) {
        throw new UsageError(`--status expects one of ${finished.join(', ')}, got "${flags.status}"`);
      }
      const store = context.readStore(flags.store);
      if (store === undefined) return deleteRuns(context, undefined, [], flags);
      await settleLostRuns(store);
      const runs = await store.listRuns({ status: flags.status ? (flags.status as RunStatus) : finished, startedBefore: Date.now() - flags.olderThan });
      await deleteRuns(context, store, runs, flags);
    });
}
