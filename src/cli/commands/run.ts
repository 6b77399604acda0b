import { type Command, Option } from 'commander';
import { runJob } from '../../agent/run-job.js';
import type { CliContext } from '../context.js';
import { collect, keyValues, secondsOption } from '../options.js';
import { addParseFlags, type ParseFlags, parseOptionsFromFlags } from '../parse-flags.js';

interface RunFlags extends ParseFlags {
  name?: string;
  store?: string;
  interval: number;
  sampleInterval: number;
  system: boolean;
  disk?: string[];
  tty?: boolean;
  grace: number;
  outputGrace: number;
  project?: string;
  pythonUnbuffered: boolean;
  param?: string[];
  tag?: string[];
  quiet?: boolean;
}

/** A flag taking seconds, parsed to milliseconds, whose help shows its default in seconds. */
function seconds(flags: string, description: string, defaultSeconds: number): Option {
  const name = flags.split(' ')[0] as string;
  return new Option(flags, description).argParser(secondsOption(name)).default(defaultSeconds * 1000, String(defaultSeconds));
}

/** `runmeter run [options] -- CMD [ARGS...]`: runs a job and records it. */
export function register(program: Command, context: CliContext): void {
  const command = program
    .command('run')
    .description('run a training job and record its metrics, system usage and output')
    .argument('<command...>', 'the job to run, after --')
    .usage('[options] -- CMD [ARGS...]')
    .option('-n, --name <name>', 'run name (default: the script file name)')
    .option('--store <store>', 'store: a folder, a .db file (default: $RUNMETER_STORE or ~/.runmeter)')
    .addOption(seconds('--interval <seconds>', 'report system metrics every this many seconds', 5))
    .addOption(seconds('--sample-interval <seconds>', 'read system metrics every this many seconds', 1))
    .option('--no-system', 'do not sample system metrics')
    .option('--disk <path>', 'also record the filesystem holding this path (repeatable)', collect)
    .option(
      '--tty',
      'run the job on a pseudo-terminal, so progress bars and colours look as without runmeter; its stdout and stderr then arrive as one stream (stdout)',
    )
    .addOption(seconds('--grace <seconds>', 'after forwarding a signal, kill the job this many seconds later', 10))
    .addOption(seconds('--output-grace <seconds>', 'after the job exits, read output its children still write for this many seconds', 2))
    .option('--project <project>', 'the project the run belongs to')
    .option('--no-python-unbuffered', 'do not set PYTHONUNBUFFERED=1 for the job')
    .option('--param <key=value>', 'record a parameter with the run (repeatable)', collect)
    .option('--tag <tag>', 'tag the run (repeatable)', collect)
    .option('-q, --quiet', "silence runmeter's own messages (the job's output is never touched)");
  addParseFlags(command)
    .passThroughOptions()
    .action(async (command: string[], flags: RunFlags) => {
      const parse = parseOptionsFromFlags(flags, process.cwd());
      const result = await runJob({
        command,
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.store !== undefined ? { store: flags.store } : {}),
        env: context.env,
        reportIntervalMs: flags.interval,
        sampleIntervalMs: flags.sampleInterval,
        system: flags.system,
        diskPaths: flags.disk ?? [],
        tty: flags.tty === true,
        graceMs: flags.grace,
        outputGraceMs: flags.outputGrace,
        ...(flags.project !== undefined ? { project: flags.project } : {}),
        pythonUnbuffered: flags.pythonUnbuffered,
        parse,
        params: keyValues('--param', flags.param),
        tags: flags.tag ?? [],
        quiet: flags.quiet === true,
        stdout: context.stdout,
        stderr: context.stderr,
      });
      context.setExitCode(result.exitCode);
    });
}
