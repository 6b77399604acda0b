import { Command, CommanderError } from 'commander';
import { isErrnoError, RunmeterError } from '../model/errors.js';
import { version } from '../version.js';
import { type CliContext, processContext } from './context.js';

type CommandModule = { register(program: Command, context: CliContext): void };

/** Every subcommand, loaded only when used (start-up time is the job's time). Adding a command is one line here. */
const commands: Record<string, () => Promise<CommandModule>> = {
  run: () => import('./commands/run.js'),
  ls: () => import('./commands/ls.js'),
  show: () => import('./commands/show.js'),
  logs: () => import('./commands/logs.js'),
  parse: () => import('./commands/parse.js'),
  import: () => import('./commands/import.js'),
  export: () => import('./commands/export.js'),
  flops: () => import('./commands/flops.js'),
  ui: () => import('./commands/ui.js'),
  rm: () => import('./commands/rm.js'),
  gc: () => import('./commands/gc.js'),
  sync: () => import('./commands/sync.js'),
};

/** Builds the `runmeter` program over a context, with the subcommand `argv` names (or all of them, for help). */
export async function buildProgram(context: CliContext, argv: string[] = []): Promise<Command> {
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
  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const versionOnly = named === undefined && (argv.includes('-V') || argv.includes('--version'));
  const wanted = versionOnly ? [] : named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
  const modules = await Promise.all(wanted.map((name) => (commands[name] as () => Promise<CommandModule>)()));
  for (const module of modules) module.register(program, context);
  return program;
}

/** Runs the CLI; the one place where errors become a short message and an exit status. */
export async function main(argv: string[]): Promise<void> {
  const context = processContext();
  // The reader went away (`runmeter show last | head`): stop quietly, as other command-line tools do. `run` is the
  // exception: it keeps recording, and closes the job's stream so the job meets the closed pipe itself.
  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  if (named !== 'run') {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    });
  }
  try {
    const program = await buildProgram(context, argv);
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help).
      if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = error.exitCode === 1 ? 2 : error.exitCode;
      return;
    }
    const debug = argv.includes('--debug');
    // The reader went away (`runmeter parse log --jsonl | head`): stop quietly, as other command-line tools do.
    if (isErrnoError(error, 'EPIPE')) return;
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
