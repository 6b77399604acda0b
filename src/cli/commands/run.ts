import { type Command, Option } from 'commander';
import { defaultRunName } from '../../agent/metadata.js';
import { runJob } from '../../agent/run-job.js';
import { UsageError } from '../../model/errors.js';
import { jsonText } from '../../model/json-shape.js';
import type { CliContext } from '../context.js';
import { collect, integerOption, keyValues, secondsOption } from '../options.js';
import { addParseFlags, type ParseFlags, parseOptionsFromFlags } from '../parse-flags.js';
import { countRunModel, type RunModelFlags } from '../run-model.js';
import { lineAwareStream, runSummaryJson } from '../run-summary.js';

interface RunFlags extends ParseFlags, RunModelFlags {
  name?: string;
  store?: string;
  server?: string;
  token?: string;
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
  json?: boolean;
}

/** A flag taking seconds, parsed to milliseconds, whose help shows its default in seconds. */
function seconds(flags: string, description: string, defaultSeconds: number, min: number): Option {
  const name = flags.split(' ')[0] as string;
  return new Option(flags, description).argParser(secondsOption(name, { min })).default(defaultSeconds * 1000, String(defaultSeconds));
}

/** `runmeter run [options] -- CMD [ARGS...]`: runs a job and records it. */
export function register(program: Command, context: CliContext): void {
  const command = program
    .command('run')
    .description('run a training job and record its metrics, system usage and output')
    .argument('<command...>', 'the job to run, after --')
    .usage('[options] -- CMD [ARGS...]')
    .option('-n, --name <name>', 'run name (default: the script file name)')
    .option('--store <store>', 'store: a folder, a .db file or postgres:// URL (default: $RUNMETER_STORE or ~/.runmeter)')
    .option('--server <url>', 'record on this runmeter server instead of a store (default: $RUNMETER_SERVER unless --store is given)')
    .option('--token <token>', 'the token for --server (default: $RUNMETER_TOKEN)')
    .addOption(seconds('--interval <seconds>', 'report system metrics every this many seconds', 5, 0.1))
    .addOption(seconds('--sample-interval <seconds>', 'read system metrics every this many seconds', 1, 0.05))
    .option('--no-system', 'do not sample system metrics')
    .option('--disk <path>', 'also record the filesystem holding this path (repeatable)', collect)
    .option(
      '--tty',
      'run the job on a pseudo-terminal, so progress bars and colours look as without runmeter; its stdout and stderr then arrive as one stream (stdout)',
    )
    .addOption(seconds('--grace <seconds>', 'after forwarding a signal, kill the job this many seconds later', 10, 0.01))
    .addOption(seconds('--output-grace <seconds>', 'after the job exits, read output its children still write for this many seconds', 2, 0.01))
    .option('--project <project>', 'the project the run belongs to')
    .option('--no-python-unbuffered', 'do not set PYTHONUNBUFFERED=1 for the job')
    .option('--param <key=value>', 'record a parameter with the run (repeatable)', collect)
    .option('--tag <tag>', 'tag the run (repeatable)', collect)
    .option('-q, --quiet', "silence runmeter's own messages (the job's output is never touched)")
    .option('--json', "instead of runmeter's messages, one JSON summary as the last line of stderr (docs/json.md)")
    .option('--model <file>', "count this model's training FLOPs per batch (.onnx or TF.js model.json); records flops/<label>/batch, achieved TFLOP/s and MFU")
    .option('--batch-size <n>', "the batch one step of the job processes, for --model (default: the model's own)", integerOption('--batch-size'))
    .option('--input <name=dims>', 'dims of a model input for --model, e.g. input_ids=8x128 (repeatable)', collect)
    .option('--model-label <label>', "the model's label in flops/<label>/batch (default: --model's file name without extension)")
    .option('--dtype <dtype>', "the data type the job trains in, for MFU against the GPU's peak: fp32, tf32, fp16, bf16, fp8 (default bf16)");
  addParseFlags(command)
    .passThroughOptions()
    .action(async (command: string[], flags: RunFlags) => {
      const parse = parseOptionsFromFlags(flags, process.cwd());
      const stderr = lineAwareStream(context.stderr);
      const quiet = flags.quiet === true || flags.json === true;
      const model = await countRunModel(flags, (message) => quiet || stderr.stream.write(`runmeter: warning: ${message}\n`));
      const result = await runJob({
        command,
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.store !== undefined ? { store: flags.store } : {}),
        ...serverOf(flags, context.env),
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
        params: { ...model.params, ...keyValues('--param', flags.param) },
        ...(model.perf === undefined ? {} : { perf: model.perf }),
        tags: flags.tag ?? [],
        quiet,
        stdout: context.stdout,
        stderr: stderr.stream,
      });
      if (flags.json) {
        const summary = runSummaryJson(result, flags.name ?? defaultRunName(command));
        context.stderr.write(`${stderr.atLineStart() ? '' : '\n'}${jsonText(summary, 0)}`);
      }
      context.setExitCode(result.exitCode);
    });
}

/** The server to record on: --server, else $RUNMETER_SERVER when no --store is given; its token from --token or $RUNMETER_TOKEN. */
function serverOf(flags: RunFlags, env: NodeJS.ProcessEnv): { server?: { url: string; token?: string } } {
  if (flags.server !== undefined && flags.store !== undefined) throw new UsageError('--server and --store exclude each other: a run is recorded in one place');
  const url = flags.server ?? (flags.store === undefined ? env.RUNMETER_SERVER || undefined : undefined);
  if (url === undefined) return {};
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--server expects an http:// or https:// URL, got "${url}"`);
  const token = flags.token ?? (env.RUNMETER_TOKEN || undefined);
  return { server: { url, ...(token === undefined ? {} : { token }) } };
}
