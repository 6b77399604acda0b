import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { formatDuration, formatValue } from '../../model/format.js';
import { decodeValue } from '../../model/point.js';
import { type RunStatus, runStatuses } from '../../model/run.js';
import { escapeControl } from '../../model/text.js';
import { runView } from '../../server/views.js';
import { type CliContext, storeName } from '../context.js';
import { writeJson } from '../json-output.js';
import { integerOption } from '../options.js';
import { settleLostRuns } from '../run-view.js';
import { paintFor } from '../style.js';
import { formatTime, renderTable, truncate } from '../table.js';

interface LsFlags {
  json?: boolean;
  store?: string;
  status?: string;
  limit: number;
  all?: boolean;
  filter?: string;
}

/** `runmeter ls`: runs, newest first, with the last values of their key metrics. */
export function register(program: Command, context: CliContext): void {
  program
    .command('ls')
    .description('list runs, newest first')
    .option('--json', 'print JSON, the shape of GET /api/v1/runs: {schemaVersion, runs} (docs/json.md)')
    .option('--status <status>', `only runs with this status (${runStatuses.join(', ')})`)
    .option('--filter <text>', 'only runs whose id, name, command or host contains this text')
    .option('--limit <n>', 'show at most this many runs', integerOption('--limit'), 50)
    .option('-a, --all', 'show every run')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (flags: LsFlags) => {
      if (flags.status !== undefined && !runStatuses.includes(flags.status as RunStatus)) {
        throw new UsageError(`--status expects one of ${runStatuses.join(', ')}, got "${flags.status}"`);
      }
      const store = context.readStore(flags.store);
      if (store !== undefined) await settleLostRuns(store);
      const runs = await store?.listRuns({
        ...(flags.status ? { status: flags.status as RunStatus } : {}),
        ...(flags.filter ? { text: flags.filter } : {}),
        ...(flags.all ? {} : { limit: flags.limit }),
      });
      const now = Date.now();
      const views = await Promise.all((runs ?? []).map(async (run) => runView(run, (await store?.listSeries(run.id)) ?? [], now)));
      if (flags.json) {
        writeJson(context.stdout, { runs: views });
        return;
      }
      if (views.length === 0) {
        const where = escapeControl(store?.location ?? storeName(flags.store, context.env));
        context.stderr.write(`no runs yet in ${where}; start one with: runmeter run -- python train.py\n`);
        return;
      }
      const rows = views.map((run) => [
        run.id,
        truncate(run.name, 28),
        run.status,
        formatTime(run.startTime),
        formatDuration(run.durationMs),
        run.metrics.map((m) => `${m.name}=${formatValue(decodeValue(m.last))}`).join(' '),
      ]);
      const paint = paintFor(context.stdout, context.env);
      const style = (text: string, column: number) => (column === 2 ? paint.status(text) : text);
      context.stdout.write(renderTable(['ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'METRICS'], rows, { rightAlign: [4], style }));
    });
}
