import { formatBytes, formatDuration } from '../model/format.js';
import { type Run, runDuration } from '../model/run.js';
import type { Store } from '../store/store.js';
import { confirm } from './confirm.js';
import type { CliContext } from './context.js';
import { formatTime, renderTable, truncate } from './table.js';

/** Says which runs will go, asks (unless --yes), deletes them, and says how much space came back. */
export async function deleteRuns(context: CliContext, store: Store, runs: Run[], flags: { yes?: boolean; dryRun?: boolean }): Promise<void> {
  if (runs.length === 0) {
    context.stderr.write('nothing to delete\n');
    return;
  }
  const sizes = await Promise.all(
    runs.map(async (run) => {
      const series = await store.listSeries(run.id);
      const points = series.reduce((sum, s) => sum + s.count, 0);
      const output = (await store.outputSize(run.id, 'stdout')) + (await store.outputSize(run.id, 'stderr'));
      return { points, output };
    }),
  );
  const rows = runs.map((run, i) => [
    run.id,
    truncate(run.name, 28),
    run.status,
    formatTime(run.startTime),
    formatDuration(runDuration(run)),
    `${sizes[i]?.points ?? 0} points`,
    formatBytes(sizes[i]?.output ?? 0),
  ]);
  context.stderr.write(`${flags.dryRun ? 'would delete' : 'will delete'} ${runs.length} run${runs.length === 1 ? '' : 's'}:\n`);
  context.stderr.write(renderTable(['ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'POINTS', 'OUTPUT'], rows));
  if (flags.dryRun) return;
  if (!(await confirm(`delete ${runs.length} run${runs.length === 1 ? '' : 's'}?`, flags))) {
    context.stderr.write('nothing deleted\n');
    return;
  }
  const freed = await store.deleteRuns(runs.map((run) => run.id));
  context.stderr.write(`deleted ${runs.length} run${runs.length === 1 ? '' : 's'}, freed ${formatBytes(freed)}\n`);
}
