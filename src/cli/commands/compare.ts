import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import { comparisonJson } from '../../model/run-query/compare.js';
import { compareStoredRuns } from '../../model/run-query/compare-stored.js';
import { comparisonTable } from '../compare-runs.js';
import type { CliContext } from '../context.js';
import { writeJson } from '../json-output.js';
import { settleLostRuns } from '../run-view.js';

/** `runmeter compare RUN RUN...`: the params that differ and each metric's final (and best) value, side by side. */
export function register(program: Command, context: CliContext): void {
  program
    .command('compare')
    .description('compare runs: the params that differ, and each metric’s final and best value')
    .argument('<runs...>', 'ids, unique id prefixes, names, or "last"')
    .option('--all', 'show every param, not only those that differ')
    .option('--json', 'print JSON, the shape of GET /api/v1/compare (docs/json.md)')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (refs: string[], flags: { all?: boolean; json?: boolean; store?: string }) => {
      const store = context.store(flags.store);
      await settleLostRuns(store);
      const { comparison, missing } = await compareStoredRuns(store, refs);
      // One unknown run must not hide the others: it is named, left out, and the exit status says so.
      for (const { message } of missing) context.stderr.write(`runmeter: ${message} (left out of the comparison)\n`);
      if (comparison.runs.length === 0) throw new RunmeterError('E_RUN_NOT_FOUND', `none of ${refs.join(', ')} is a run; runmeter ls lists them`);
      if (missing.length > 0) context.setExitCode(1);
      if (flags.json)
        writeJson(
          context.stdout,
          comparisonJson(
            comparison,
            missing.map((m) => m.ref),
          ),
        );
      else context.stdout.write(comparisonTable(comparison, { all: flags.all === true }));
    });
}
