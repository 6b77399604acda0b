import fs from 'node:fs';
import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';
import { addParseFlags, type ParseFlags, parseOptionsFromFlags } from '../parse-flags.js';
import { parseLog } from '../parse-log.js';

/** `runmeter parse [FILE|-]`: print the metric points found in a log. */
export function register(program: Command, context: CliContext): void {
  const command = program
    .command('parse')
    .description('print the metric points found in a log (JSON lines, Keras, Hugging Face, tqdm, Lightning, XGBoost, LightGBM, your patterns)')
    .argument('[file]', 'the log file, or - for standard input', '-')
    .option('--jsonl', 'one JSON object per point: name, value, and where known step, epoch, context, rank, line, format');
  addParseFlags(command).action(async (file: string, flags: ParseFlags & { jsonl?: boolean }) => {
    const parse = parseOptionsFromFlags(flags, process.cwd());
    const input = file === '-' ? process.stdin : await openLog(file);
    await parseLog(input, context.stdout, context.stderr, { label: file === '-' ? 'stdin' : file, jsonl: flags.jsonl === true, parse });
  });
}

/** A read stream over the file, once it is known to be readable. */
async function openLog(file: string): Promise<fs.ReadStream> {
  const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('ready', () => resolve());
      stream.once('error', reject);
    });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RunmeterError('E_FILE', `cannot read ${file}: ${reason}`, { exitCode: 2 });
  }
  return stream;
}
