import fs from 'node:fs';
import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';
import { explainLog } from '../explain-log.js';
import { addParseFlags, type ParseFlags, parseOptionsFromFlags } from '../parse-flags.js';
import { fileChunks, parseLog } from '../parse-log.js';

/** `runmeter parse [FILE|-]`: print the metric points found in a log. */
export function register(program: Command, context: CliContext): void {
  const command = program
    .command('parse')
    .description('print the metric points found in a log (JSON lines, Keras, Hugging Face, tqdm, Lightning, XGBoost, LightGBM, your patterns)')
    .argument('[file]', 'the log file, or - for standard input', '-')
    .option('--jsonl', 'one JSON object per point: name, value, and where known step, epoch, context, rank, line, format')
    .option('--explain', 'for each line, which reader took it and what it gave, or why none did');
  addParseFlags(command).action(async (file: string, flags: ParseFlags & { jsonl?: boolean; explain?: boolean }) => {
    const parse = parseOptionsFromFlags(flags, process.cwd());
    if (flags.explain === true) {
      const bytes = file === '-' ? fs.readFileSync(0) : readLog(file);
      context.stdout.write(explainLog(bytes, parse));
      return;
    }
    const options = { label: file === '-' ? 'stdin' : file, jsonl: flags.jsonl === true, parse };
    if (file === '-') {
      await parseLog(process.stdin, context.stdout, context.stderr, options);
      return;
    }
    const fd = openLog(file);
    try {
      await parseLog(fileChunks(fd), context.stdout, context.stderr, options);
    } finally {
      fs.closeSync(fd);
    }
  });
}

/** The whole log, or says why it cannot be read. */
function readLog(file: string): Buffer {
  const fd = openLog(file);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens the log, or says why it cannot be read. */
function openLog(file: string): number {
  try {
    const fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    }
    return fd;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RunmeterError('E_FILE', `cannot read ${file}: ${reason}`, { exitCode: 2 });
  }
}
