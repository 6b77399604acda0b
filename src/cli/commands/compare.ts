import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import { formatValue } from '../../model/format.js';
import type { Run } from '../../model/run.js';
import { runRecord } from '../../model/run-query/index.js';
import { bestValue, compareRuns, comparisonJson, paramCell } from '../compare-runs.js';
import type { CliContext } from '../context.js';
import { settleLostRuns } from '../run-view.js';
import { renderTable, truncate } from '../table.js';

/** `runmeter compare RUN RUN...`: the params that differ and each metric's final (and best) value, side by side. */
export function register(program: Command, context: CliContext): void {
  program
    .command('compare')
    .description('compare runs: the params that differ, and each metric’s final and best value')
    .argument('<runs...>', 'ids, unique id prefixes, names, or "last"')
    .option('--all', 'show every param, not only those that differ')
    .option('--json', 'print JSON')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (refs: string[], flags: { all?: boolean; json?: boolean; store?: string }) => {
      const store = context.store(flags.store);
      await settleLostRuns(store);
      const runs: Run[] = [];
      const missing: string[] = [];
      for (const ref of refs) {
        try {
          const run = await store.resolveRun(ref);
          if (!runs.some((r) => r.id === run.id)) runs.push(run);
        } catch (error) {
          if (!(error instanceof RunmeterError) || (error.code !== 'E_RUN_NOT_FOUND' && error.code !== 'E_RUN_AMBIGUOUS')) throw error;
          // One unknown run must not hide the others: it is named, left out, and the exit status says so.
          context.stderr.write(`runmeter: ${error.message} (left out of the comparison)\n`);
          missing.push(ref);
        }
      }
      if (runs.length === 0) throw new RunmeterError('E_RUN_NOT_FOUND', `none of ${refs.join(', ')} is a run; runmeter ls lists them`);
      if (missing.length > 0) context.setExitCode(1);
      const series = await store.listSeriesOfRuns(
        runs.map((r) => r.id),
        ['training'],
      );
      const records = runs.map((run) =>
        runRecord(
          run,
          series.filter((s) => s.runId === run.id),
        ),
      );
      const comparison = compareRuns(records);
      if (flags.json) {
        context.stdout.write(`${JSON.stringify(comparisonJson(comparison, missing), null, 2)}\n`);
        return;
      }
      const header = ['', ...comparison.runs.map((r) => r.id)];
      const rows: string[][] = [
        ['name', ...comparison.runs.map((r) => truncate(r.name, 24))],
        ['status', ...comparison.runs.map((r) => r.status)],
      ];
      const { differing, same, values } = comparison.params;
      const shownParams = flags.all ? [...differing, ...same] : differing;
      const paramTitle = flags.all
        ? `params (${differing.length} of ${differing.length + same.length} differ)`
        : `params that differ (${differing.length} of ${differing.length + same.length}; --all shows every one)`;
      rows.push([''], [paramTitle]);
      for (const name of shownParams) rows.push([`${differing.includes(name) ? '' : '  '}${name}`, ...(values[name] ?? []).map(paramCell)]);
      rows.push([''], ['final metrics: last (best)']);
      for (const metric of comparison.metrics) {
        rows.push([
          metric.key,
          ...metric.values.map((stat) => {
            if (stat === undefined) return '-';
            const best = bestValue(stat, metric.better);
            return best === undefined || best === null || best === stat.last ? formatValue(stat.last) : `${formatValue(stat.last)} (${formatValue(best)})`;
          }),
        ]);
      }
      context.stdout.write(renderTable(header, rows));
    });
}
