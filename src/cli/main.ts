import { Command, CommanderError, Option } from 'commander';
import { isErrnoError, RunmeterError } from '../model/errors.js';
import { escapeControl } from '../model/text.js';
import { version } from '../version.js';
import { type CliContext, processContext } from './context.js';
import { commandExamples } from './examples.js';
import { withExamples } from './help.js';
import { addServerOptions } from './remote.js';
import { paintFor } from './style.js';

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
  server: () => import('./commands/server.js'),
  token: () => import('./commands/token.js'),
  rm: () => import('./commands/rm.js'),
  gc: () => import('./commands/gc.js'),
  compare: () => import('./commands/compare.js'),
  tag: () => import('./commands/tag.js'),
  rename: () => import('./commands/rename.js'),
  note: () => import('./commands/note.js'),
  sync: () => import('./commands/sync.js'),
  record: () => import('./commands/record.js'),
  completion: () => import('./commands/completion.js'),
};

/** The names of every subcommand, for shell completion. */
export const commandNames = Object.keys(commands);

/** The arguments runmeter itself reads: those before a `--` (after it, everything is the job's). */
function ownArguments(argv: string[]): string[] {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
}

/** Whether stack traces are wanted: `--debug` anywhere among runmeter's own arguments, or RUNMETER_DEBUG=1. */
export function debugWanted(argv: string[], env: NodeJS.ProcessEnv): boolean {
  return (env.RUNMETER_DEBUG !== undefined && !['', '0', 'false'].includes(env.RUNMETER_DEBUG)) || ownArguments(argv).includes('--debug');
}

/** `--debug` on every command, so that it may come after the subcommand too; hidden from each one's help. */
function acceptDebugEverywhere(command: Command): void {
  for (const sub of command.commands) {
    if (!sub.options.some((option) => option.long === '--debug')) sub.addOption(new Option('--debug', 'show stack traces on errors').hideHelp());
    acceptDebugEverywhere(sub);
  }
}

/** Builds the `runmeter` program over a context, with the subcommand `argv` names (or all of them, for help). */
export async function buildProgram(context: CliContext, argv: string[] = []): Promise<Command> {
  const program = new Command('runmeter')
    .description('Meter machine-learning training runs: metrics from output, system and GPU metrics, FLOPs, live charts.')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces on errors (or set RUNMETER_DEBUG=1)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride();
  withExamples(program, [
    ['runmeter run -- python train.py', 'run a job and record it'],
    ['runmeter ui', 'the dashboard on http://127.0.0.1:8080'],
    ['runmeter ls', 'the runs, newest first'],
    ['runmeter show last', 'the newest run and its metrics'],
    ['runmeter help run', "a command's options"],
  ]);
  const named = ownArguments(argv).find((arg) => !arg.startsWith('-'));
  const versionOnly = named === undefined && (argv.includes('-V') || argv.includes('--version'));
  const wanted = versionOnly ? [] : named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
  const modules = await Promise.all(wanted.map((name) => (commands[name] as () => Promise<CommandModule>)()));
  for (const module of modules) module.register(program, context);
  addServerOptions(program, context);
  for (const command of program.commands) {
    const examples = commandExamples[command.name()];
    if (examples !== undefined) withExamples(command, examples);
  }
  acceptDebugEverywhere(program);
  return program;
}

/** Writes an error the way every command reports one: one escaped line, the stack only when debugging. */
function reportError(context: CliContext, error: unknown, debug: boolean): number {
  const paint = paintFor(context.stderr, context.env);
  const known = error instanceof RunmeterError;
  const message = error instanceof Error ? error.message : String(error);
  context.stderr.write(`${paint('red', 'runmeter:')} ${known ? '' : 'internal error: '}${message.split('\n').map(escapeControl).join('\n')}\n`);
  if (debug && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
  else if (!known) context.stderr.write('runmeter: run again with --debug (or RUNMETER_DEBUG=1) for details\n');
  return known ? error.exitCode : 1;
}

/** Runs the CLI; the one place where errors become a short message and an exit status. */
export async function main(argv: string[]): Promise<void> {
  const context = processContext();
  // The reader went away (`runmeter show last | head`): stop quietly, as other command-line tools do. `run` is the
  // exception: it keeps recording, and closes the job's stream so the job meets the closed pipe itself.
  const named = ownArguments(argv).find((arg) => !arg.startsWith('-'));
  const helpOnly = ownArguments(argv).some((arg) => arg === '--help' || arg === '-h');
  if (named !== 'run' || helpOnly) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    });
  }
  try {
    const program = await buildProgram(context, argv);
    // A bare `runmeter` asks what it can do: the help, on stdout, and success.
    if (argv.length <= 2) {
      program.outputHelp();
      return;
    }
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help).
      if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = error.exitCode === 1 ? 2 : error.exitCode;
      return;
    }
    // The reader went away (`runmeter parse log --jsonl | head`): stop quietly, as other command-line tools do.
    if (isErrnoError(error, 'EPIPE')) return;
    process.exitCode = reportError(context, error, debugWanted(argv, context.env));
  } finally {
    await context.closeStores();
  }
}
