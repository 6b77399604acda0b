import { formatBytes, formatDuration } from '../model/format.js';
import { runJson } from '../model/json-shape.js';
import { type Run, runDuration } from '../model/run.js';
import type { Store } from '../store/store.js';
import { confirm } from './confirm.js';
import type { CliContext } from './context.js';
import { writeJson } from './json-output.js';
import { paintFor } from './style.js';
import { formatTime, renderTable, truncate } from './table.js';

export interface DeleteFlags {
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

const plural = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/** Says which runs will go, asks (unless --yes), deletes them, and says how much space came back. */
export async function deleteRuns(context: CliContext, store: Store | undefined, runs: Run[], flags: DeleteFlags): Promise<void> {
  const report = (deleted: number, freedBytes: number, sizes: Array<{ points: number; outputBytes: number }> = []) => {
    if (!flags.json) return;
    const listed = runs.map((run, i) => ({ ...runJson(run), ...(sizes[i] ?? { points: 0, outputBytes: 0 }) }));
    writeJson(context.stdout, { dryRun: flags.dryRun === true, deleted, freedBytes, runs: listed });
  };
  if (runs.length === 0) {
    if (flags.json) report(0, 0);
    else context.stderr.write('nothing to delete\n');
    return;
  }
  if (store === undefined) return;
  const sizes = await Promise.all(
    runs.map(async (run) => {
      const series = await store.listSeries(run.id);
      const points = series.reduce((sum, s) => sum + s.count, 0);
      const outputBytes = (await store.outputSize(run.id, 'stdout')) + (await store.outputSize(run.id, 'stderr'));
      return { points, outputBytes };
    }),
  );
  if (!flags.json) {
    const rows = runs.map((run, i) => [
      run.id,
      truncate(run.name, 28),
      run.status,
      formatTime(run.startTime),
      formatDuration(runDuration(run)),
      `${sizes[i]?.points ?? 0} points`,
      formatBytes(sizes[i]?.outputBytes ?? 0),
    ]);
    context.stderr.write(`${flags.dryRun ? 'would delete' : 'will delete'} ${plural(runs.length)}:\n`);
    const paint = paintFor(context.stderr, context.env);
    const style = (text: string, column: number) => (column === 2 ? paint.status(text) : text);
    context.stderr.write(renderTable(['ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'POINTS', 'OUTPUT'], rows, { style }));
  }
  if (flags.dryRun) return report(0, 0, sizes);
  if (!(await confirm(`delete ${plural(runs.length)}?`, flags))) {
    if (flags.json) report(0, 0, sizes);
    else context.stderr.write('nothing deleted\n');
    return;
  }
  const freed = await store.deleteRuns(runs.map((run) => run.id));
  if (flags.json) report(runs.length, freed, sizes);
  else context.stderr.write(`deleted ${plural(runs.length)}, freed ${formatBytes(freed)}\n`);
}
