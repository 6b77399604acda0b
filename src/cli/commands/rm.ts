import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { Run } from '../../model/run.js';
import { type CliContext, noStoreYet } from '../context.js';
import { deleteRuns } from '../delete-runs.js';
import { settleLostRuns } from '../run-view.js';

/** `runmeter rm RUN...`: deletes runs with their metrics and output. */
export function register(program: Command, context: CliContext): void {
  program
    .command('rm')
    .description('delete runs with their metrics, output and artifacts, and free the space')
    .argument('<runs...>', 'ids, unique id prefixes, names, or "last"')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print what was deleted as JSON (docs/json.md)')
    .option('-f, --force', 'delete runs that are still running too (their recording then stops)')
    .option('--store <store>', 'store to delete from (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (refs: string[], flags: { yes?: boolean; force?: boolean; store?: string; json?: boolean }) => {
      const store = context.readStore(flags.store);
      if (store === undefined) throw noStoreYet(refs[0] ?? '', flags.store, context.env);
      await settleLostRuns(store);
      const runs = new Map<string, Run>();
      for (const ref of refs) {
        const run = await store.resolveRun(ref);
        runs.set(run.id, run);
      }
      const running = [...runs.values()].filter((run) => run.status === 'running');
      if (running.length > 0 && !flags.force) {
        const which = running.map((run) => `${run.id} (${run.name})`).join(', ');
        throw new RunmeterError('E_RUN_RUNNING', `${which} ${running.length === 1 ? 'is' : 'are'} still running; stop the job first, or add --force`);
      }
      await deleteRuns(context, store, [...runs.values()], flags);
    });
}
