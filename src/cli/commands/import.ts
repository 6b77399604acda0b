import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { formatBytes } from '../../model/format.js';
import { escapeControl } from '../../model/text.js';
import { HttpSink } from '../../record/index.js';
import type { CliContext } from '../context.js';
import { importLog } from '../import-log.js';
import { addParseFlags, type ParseFlags, parseOptionsFromFlags } from '../parse-flags.js';
import { type RecordingFlags, recordingServer } from '../recording-server.js';

/** Files larger than this get a progress bar on a terminal. */
const PROGRESS_FROM_BYTES = 16 * 1024 * 1024;

interface ImportFlags extends ParseFlags, RecordingFlags {
  name?: string;
  started?: number;
}

function isoTime(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--started expects an ISO date-time such as 2026-11-23T14:05:00Z, got "${value}"`);
  return ms;
}

/** A progress bar on stderr, redrawn at most ten times a second. */
function progressBar(stderr: NodeJS.WritableStream, label: string): { update(done: number, total: number): void; clear(): void } {
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const width = 30;
      const filled = Math.round(fraction * width);
      stderr.write(
        `\rimporting ${escapeControl(label)} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatBytes(done)} of ${formatBytes(total)}`,
      );
    },
    clear() {
      stderr.write('\r\u001b[K');
    },
  };
}

/** `runmeter import FILE`: record a run from a log file written earlier. */
export function register(program: Command, context: CliContext): void {
  const command = program
    .command('import')
    .description('record a run from a log file written earlier, so past runs can be charted and compared')
    .argument('<file>', 'the log file')
    .option('-n, --name <name>', 'run name (default: the file name)')
    .option('--started <iso-time>', 'when the job started (default: when the file was created, else its last change)', isoTime)
    .option('--store <store>', 'store: a folder, a .db file (default: $RUNMETER_STORE or ~/.runmeter)')
    .option('--server <url>', 'record on this runmeter server instead of a store (default: $RUNMETER_SERVER unless --store is given)')
    .option('--token <token>', 'the token for --server (default: $RUNMETER_TOKEN)');
  addParseFlags(command).action(async (file: string, flags: ImportFlags) => {
    const parse = parseOptionsFromFlags(flags, process.cwd());
    const server = recordingServer(flags, context.env);
    const target = server === undefined ? context.store(flags.store) : { sink: new HttpSink(server.url, server.token), spoolFirst: true as const };
    const tty = (context.stderr as { isTTY?: boolean }).isTTY === true;
    const bar = tty ? progressBar(context.stderr, path.basename(file)) : undefined;
    let barShown = false;
    const result = await importLog(target, file, {
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.started !== undefined ? { started: flags.started } : {}),
      parse,
      onProgress(done, total) {
        if (bar === undefined || total < PROGRESS_FROM_BYTES) return;
        barShown = true;
        bar.update(done, total);
      },
    }).finally(() => {
      if (barShown) bar?.clear();
    });
    const shownFile = escapeControl(file);
    const warnings = result.warnings > 0 ? `, ${result.warnings} rejected line${result.warnings === 1 ? '' : 's'} (see runmeter parse ${shownFile})` : '';
    context.stdout.write(
      `imported ${shownFile} as run ${result.run.id} (${escapeControl(result.run.name)}): ${result.points} points in ${result.series} series from ${formatBytes(result.bytes)}${warnings}\n`,
    );
  });
}
