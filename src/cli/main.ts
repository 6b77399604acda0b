import { Command, CommanderError } from 'commander';
import { RunmeterError } from '../model/errors.js';
import { version } from '../version.js';
import * as exportCommand from './commands/export.js';
import * as flops from './commands/flops.js';
import * as gc from './commands/gc.js';
import * as importCommand from './commands/import.js';
import * as logs from './commands/logs.js';
import * as ls from './commands/ls.js';
import * as parse from './commands/parse.js';
import * as rm from './commands/rm.js';
import * as run from './commands/run.js';
import * as show from './commands/show.js';
import * as ui from './commands/ui.js';
import { type CliContext, processContext } from './context.js';

/** Every subcommand: a module with `register(program, context)`. Adding a command is one line here. */
const commands: Array<{ register(program: Command, context: CliContext): void }> = [
  run,
  ls,
  show,
  logs,
  parse,
  importCommand,
  exportCommand,
  flops,
  ui,
  rm,
  gc,
];

/** Builds the `runmeter` program over a context. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('runmeter')
    .description('Meter machine-learning training runs: metrics from output, system and GPU metrics, FLOPs, live charts.')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces on errors')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride();
  for (const command of commands) command.register(program, context);
  return program;
}

/** Runs the CLI; the one place where errors become a short message and an exit status. */
export async function main(argv: string[]): Promise<void> {
  const context = processContext();
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help).
      if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = error.exitCode === 1 ? 2 : error.exitCode;
      return;
    }
    const debug = argv.includes('--debug');
    if (error instanceof RunmeterError) {
      context.stderr.write(`runmeter: ${error.message}\n`);
      if (debug && error.stack) context.stderr.write(`${error.stack}\n`);
      process.exitCode = error.exitCode;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      context.stderr.write(`runmeter: internal error: ${message}\n`);
      if (debug && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
      else context.stderr.write('runmeter: run again with --debug for details\n');
      process.exitCode = 1;
    }
  } finally {
    await context.closeStores();
  }
}
