import type { Command } from 'commander';
import { checkRunName } from '../../model/organise.js';
import type { CliContext } from '../context.js';

/** `runmeter rename RUN NAME`: gives a run a new name (a mistyped `pythn` becomes `python-baseline`). */
export function register(program: Command, context: CliContext): void {
  program
    .command('rename')
    .description('give a run a new name')
    .argument('<run>', 'an id, a unique id prefix, a name, or "last"')
    .argument('<name>', 'the new name')
    .option('--store <store>', 'store to change (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (ref: string, name: string, flags: { store?: string }) => {
      const newName = checkRunName(name, 'the new name');
      const store = context.store(flags.store);
      const run = await store.resolveRun(ref);
      await store.updateRun(run.id, { name: newName });
      context.stderr.write(`${run.id}: renamed ${JSON.stringify(run.name)} to ${JSON.stringify(newName)}\n`);
    });
}
