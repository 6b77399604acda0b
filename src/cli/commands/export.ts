import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportFormats, exportRun, isExportFormat } from '../../export/index.js';
import { isErrnoError, UsageError } from '../../model/errors.js';
import { type CliContext, noStoreYet } from '../context.js';

interface ExportFlags {
  format?: string;
  output?: string;
  store?: string;
  dataFile?: string;
  inlineLimit?: string;
}

/** Writes to a temporary file beside `file` and renames it into place, so a failed export leaves no half file. */
async function exportToFile(file: string, write: (out: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  const out = fs.createWriteStream(partial);
  try {
    await write(out);
    out.end();
    await finished(out);
    await fs.promises.rename(partial, file);
  } catch (error) {
    out.destroy();
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
}

/** `runmeter export RUN --format csv|jsonl|prov-json [-o FILE]`: a run's points or provenance, to stdout or a file. */
export function register(program: Command, context: CliContext): void {
  program
    .command('export')
    .argument('<RUN>', 'a run id, a unique id prefix, a name, or "last"')
    .description('export a run as CSV, JSON Lines (one row per point) or a W3C PROV-JSON provenance document')
    .option('--format <format>', `${exportFormats.join(', ')}`)
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .option('--store <store>', 'the store to read (a folder or .db file; default $RUNMETER_STORE, else ~/.runmeter)')
    .option('--data-file <name>', 'prov-json: the data file metric entities link to (default <run id>.csv)')
    .option('--inline-limit <n>', 'prov-json: inline the values of series with at most N points (default 1000)')
    .action(async (runRef: string, flags: ExportFlags) => {
      const format = flags.format;
      if (format === undefined) throw new UsageError(`export: --format is required: one of ${exportFormats.join(', ')}`);
      if (!isExportFormat(format)) throw new UsageError(`export: expected --format to be one of ${exportFormats.join(', ')}, got "${format}"`);
      const inlineLimit = flags.inlineLimit === undefined ? undefined : Number(flags.inlineLimit);
      if (inlineLimit !== undefined && !(Number.isInteger(inlineLimit) && inlineLimit >= 0)) {
        throw new UsageError(`export: expected --inline-limit to be a whole number ≥ 0, got "${flags.inlineLimit}"`);
      }
      const store = context.readStore(flags.store);
      if (store === undefined) throw noStoreYet(runRef, flags.store, context.env);
      const options = { ...(flags.dataFile === undefined ? {} : { dataFile: flags.dataFile }), ...(inlineLimit === undefined ? {} : { inlineLimit }) };
      const write = (out: NodeJS.WritableStream) => exportRun(store, runRef, format, out, options);
      if (flags.output !== undefined && flags.output !== '-') return exportToFile(path.resolve(flags.output), write);
      try {
        await write(context.stdout);
      } catch (error) {
        // The reader went away (`runmeter export ... | head`): it has what it wanted.
        if (!isErrnoError(error, 'EPIPE')) throw error;
      }
    });
}
