import path from 'node:path';
import { type Command, Option } from 'commander';
import type { PythonClient } from '../../agent/client-channel.js';
import { defaultRunName } from '../../agent/metadata.js';
import { runJob } from '../../agent/run-job.js';
import { installRoot, ownModule } from '../../install.js';
import { jsonText } from '../../model/json-shape.js';
import type { CliContext } from '../context.js';
import { joinFromFlags } from '../join-option.js';
import { collect, integerOption, keyValues, secondsOption } from '../options.js';
import { addParseFlags, type ParseFlags, parseOptionsFromFlags } from '../parse-flags.js';
import { recordingServer } from '../recording-server.js';
import { countRunModel, type ModelFlags } from '../run-model.js';
import { lineAwareStream, runSummaryJson } from '../run-summary.js';

interface RunFlags extends ParseFlags, ModelFlags {
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
  pythonClient: boolean;
  spoolLimit?: number;
  param?: string[];
  tag?: string[];
  quiet?: boolean;
  json?: boolean;
  join?: string;
  node?: string;
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
    .option(
      '--join <key>',
      'record one run with every agent given this key, one per node (torchrun, SLURM): the first creates it, the others attach, also after it ended; "auto": the key is $SLURM_JOB_ID, else $TORCHELASTIC_RUN_ID (never joined without this flag)',
    )
    .option('--node <name>', "this agent's node in a --join run, on its series and output (default: $RUNMETER_NODE, else the host name)")
    .option(
      '--spool-limit <MB>',
      'the most the spool may hold while the store or server does not take writes; past it the oldest output goes, never a point (default: $RUNMETER_SPOOL_LIMIT_MB, else 1024)',
      integerOption('--spool-limit'),
    )
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
    .option('--no-python-client', "do not put runmeter's Python client on the job's PYTHONPATH nor open its channel (docs/python.md)")
    .option('--param <key=value>', 'record a parameter with the run (repeatable)', collect)
    .option('--tag <tag>', 'tag the run (repeatable)', collect)
    .option('--model <file>', 'count this model (ONNX or TF.js) at start: FLOPs per printed step, achieved TFLOP/s and MFU (docs/flops.md)')
    .option('--batch-size <n>', 'the batch size --model is counted at (default 1)', integerOption('--batch-size'))
    .option('--input <name=dims>', "dims of one of --model's inputs, e.g. input_ids=8x128 (repeatable)", collect)
    .option('--model-label <label>', "the label of --model's series, flops/<label>/batch (default: the file's name)")
    .option('--dtype <type>', "the data type the job computes in, for MFU against the GPU's peak", 'bf16')
    .option('-q, --quiet', "silence runmeter's own messages (the job's output is never touched)")
    .option('--json', "instead of runmeter's messages, one JSON summary as the last line of stderr (docs/json.md)");
  addParseFlags(command)
    .passThroughOptions()
    .action(async (command: string[], flags: RunFlags) => {
      const parse = parseOptionsFromFlags(flags, process.cwd());
      const join = joinFromFlags(flags, context.env);
      // The job's output goes straight to our own descriptors when they are what the command writes to.
      const directOutput = context.stdout === process.stdout && context.stderr === process.stderr;
      const stderr = lineAwareStream(context.stderr);
      const counted = await countRunModel(flags, (message) => {
        if (flags.quiet !== true && flags.json !== true) stderr.stream.write(`runmeter: warning: ${message}\n`);
      });
      const result = await runJob({
        command,
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.store !== undefined ? { store: flags.store } : {}),
        ...withServer(recordingServer(flags, context.env)),
        ...(join === undefined ? {} : { join }),
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
        ...(flags.spoolLimit === undefined ? {} : { spoolLimitBytes: flags.spoolLimit * 1024 * 1024 }),
        ...(flags.pythonClient ? { pythonClient: pythonClient() } : {}),
        parse,
        params: { ...counted?.params, ...keyValues('--param', flags.param) },
        ...(counted === undefined ? {} : { model: counted.model }),
        tags: flags.tag ?? [],
        quiet: flags.quiet === true || flags.json === true,
        stdout: context.stdout,
        stderr: stderr.stream,
        directOutput,
      });
      if (flags.json) {
        const summary = runSummaryJson(result, flags.name ?? defaultRunName(command));
        context.stderr.write(`${stderr.atLineStart() && result.stderrAtLineStart ? '' : '\n'}${jsonText(summary, 0)}`);
      }
      context.setExitCode(result.exitCode);
    });
}

/** Where this installation keeps the Python client, its executable, and the module that serves the job's channel. */
function pythonClient(): PythonClient {
  const root = installRoot();
  return {
    packageDir: path.join(root, 'python'),
    bin: path.join(root, 'bin', 'runmeter'),
    module: ownModule('sdk/channel/agent-host').href,
  };
}

function withServer(server: { url: string; token?: string } | undefined): { server?: { url: string; token?: string } } {
  return server === undefined ? {} : { server };
}
