import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { formatDuration, formatValue } from '../../model/format.js';
import { type RunStatus, runStatuses } from '../../model/run.js';
import type { RunMember } from '../../model/run-members.js';
import { type Field, schemaOf, sortRuns } from '../../model/run-query/index.js';
import { escapeControl } from '../../model/text.js';
import { runView } from '../../server/views.js';
import type { RunFilter } from '../../store/store.js';
import { type CliContext, storeName } from '../context.js';
import { writeJson } from '../json-output.js';
import { integerOption } from '../options.js';
import { columnHeader, columnText, isNumericColumn } from '../run-columns.js';
import { fieldFlag, filterFlag, type LoadedRun, loadRuns } from '../run-records.js';
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
  sort?: string;
  columns?: string;
  project?: string;
}

/** The default table: id, name, status, start, duration and up to three key metrics' last values. */
function defaultRows(runs: LoadedRun[]): { header: string[]; rows: string[][]; right: number[] } {
  const rows = runs.map((r) => [
    r.id,
    // A joined run says how many nodes it has, and while it runs, how many still do.
    r.run.members === undefined ? truncate(r.name, 28) : `${truncate(r.name, 28)} ${nodesNote(r.run.members)}`,
    r.status,
    formatTime(r.startTime),
    formatDuration(r.durationMs),
    r.metrics
      .slice(0, 3)
      .map((m) => `${m.key}=${formatValue(m.last)}`)
      .join(' '),
  ]);
  return { header: ['ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'METRICS'], rows, right: [4] };
}

/** `[2 nodes]`, or `[1/2 nodes running]` while some members of a joined run still run. */
function nodesNote(members: readonly RunMember[]): string {
  const running = members.filter((member) => member.status === 'running').length;
  const nodes = `${members.length} node${members.length === 1 ? '' : 's'}`;
  return running > 0 && running < members.length ? `[${running}/${nodes} running]` : `[${nodes}]`;
}

/** A table of the columns asked for. */
function columnRows(runs: LoadedRun[], columns: Field[]): { header: string[]; rows: string[][]; right: number[] } {
  return {
    header: columns.map(columnHeader),
    rows: runs.map((r) => columns.map((field) => columnText(r, field))),
    right: columns.flatMap((field, i) => (isNumericColumn(field) ? [i] : [])),
  };
}

/** `runmeter ls`: runs, newest first (or sorted), filtered by the filter language, with the columns asked for. */
export function register(program: Command, context: CliContext): void {
  program
    .command('ls')
    .description('list runs, newest first')
    .option('--json', 'print JSON, the shape of GET /api/v1/runs: {schemaVersion, runs} (docs/json.md)')
    .option('--status <status>', `only runs with this status (${runStatuses.join(', ')})`)
    .option('--filter <expr>', 'only runs this matches: lr > 0.01 and status = failed, tag:sweep, name ~ resnet, loss.min < 0.2, or words to find')
    .option('--sort <column>', 'sort by a column: a param (lr), a metric (loss, loss.min, loss.max), name, started, duration...; -lr for descending')
    .option('--columns <a,b>', 'show these columns: id,name,status,lr,bs,val_loss.min (run fields, params, metrics)')
    .option('--project <project>', 'only runs of this project ("" for runs without one)')
    .option('--limit <n>', 'show at most this many runs', integerOption('--limit'), 50)
    .option('-a, --all', 'show every run')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (flags: LsFlags) => {
      if (flags.status !== undefined && !runStatuses.includes(flags.status as RunStatus)) {
        throw new UsageError(`--status expects one of ${runStatuses.join(', ')}, got "${flags.status}"`);
      }
      const store = context.readStore(flags.store);
      if (store === undefined) {
        // Reading never creates a store: on a fresh machine there is simply nothing yet.
        if (flags.json) writeJson(context.stdout, { runs: [] });
        else context.stderr.write(`no runs yet in ${escapeControl(storeName(flags.store, context.env))}; start one with: runmeter run -- python train.py\n`);
        return;
      }
      await settleLostRuns(store);
      const base: RunFilter = {
        ...(flags.status ? { status: flags.status as RunStatus } : {}),
        ...(flags.project === undefined ? {} : { project: flags.project === '' ? null : flags.project }),
      };
      const refine = flags.filter !== undefined || flags.sort !== undefined;
      // Filters and sorts may read any run's metrics: read them all, then cut; else read only the page.
      const loaded = await loadRuns(store, refine || flags.all ? base : { ...base, limit: flags.limit });
      const schema = schemaOf(loaded);
      const columns = flags.columns === undefined ? undefined : fieldFlag<Field[]>('--columns', flags.columns, schema);
      const keep = flags.filter === undefined ? () => true : filterFlag('--filter', flags.filter, schema);
      const sorted = sortRuns(loaded.filter(keep), flags.sort === undefined ? undefined : fieldFlag('--sort', flags.sort, schema));
      const runs = flags.all ? sorted : sorted.slice(0, flags.limit);
      if (flags.json) {
        const now = Date.now();
        writeJson(context.stdout, { runs: runs.map((r) => runView(r.run, r.series, now)) });
        return;
      }
      if (runs.length === 0) {
        const all = (await store.listRuns({ limit: 1 })).length;
        if (all === 0) context.stderr.write(`no runs yet in ${escapeControl(store.location)}; start one with: runmeter run -- python train.py\n`);
        else {
          const asked = [
            flags.filter && `--filter ${JSON.stringify(flags.filter)}`,
            flags.status && `--status ${flags.status}`,
            flags.project !== undefined && `--project ${JSON.stringify(flags.project)}`,
          ];
          context.stderr.write(`no runs match ${asked.filter(Boolean).join(' ')}; runmeter ls lists them all\n`);
        }
        return;
      }
      const table = columns === undefined ? defaultRows(runs) : columnRows(runs, columns);
      const paint = paintFor(context.stdout, context.env);
      const statusColumn = table.header.indexOf('STATUS');
      const style = (text: string, column: number) => (column === statusColumn ? paint.status(text) : text);
      context.stdout.write(renderTable(table.header, table.rows, { rightAlign: table.right, style }));
      if (sorted.length > runs.length) context.stderr.write(`${runs.length} of ${sorted.length} runs; --limit N or --all for more\n`);
    });
}
