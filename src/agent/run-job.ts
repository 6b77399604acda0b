import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { endCause } from '../model/end-cause.js';
import { type GridIntensity, gridIntensityFromEnv, worldAverageGridIntensity } from '../model/energy.js';
import { formatDuration, formatValue } from '../model/format.js';
import { OutputTail } from '../model/output-tail.js';
import { type NewRun, newRunId, type RunStatus } from '../model/run.js';
import { joinRunId, type MemberUpdate, newMemberKey } from '../model/run-members.js';
import type { ParseOptions } from '../parse/types.js';
import { type OutputStream, openSink, processIdentity, resolvedStoreSpec, runmeterHome, storeFolderProblem } from '../record/index.js';
import { version } from '../version.js';
import { clientChannel, type PythonClient } from './client-channel.js';
import { IngestThread } from './ingest-thread.js';
import { type JobProcess, JobStartError, signalExitCode, spawnWithPipes } from './job-process.js';
import { spawnWithTerminal } from './job-terminal.js';
import type { RecordingSummary, WorkerConfig } from './messages.js';
import { currentUser, defaultRunName } from './metadata.js';
import { OutputRecorder } from './output-recorder.js';
import { guardRecording, SignalForwarder } from './signals.js';
import type { RunModel } from './step-flops.js';
import { startSampling } from './system-sampling.js';
import { youngGenerationCollector } from './young-gc.js';

export interface RunJobOptions {
  /** The command and its arguments. */
  command: string[];
  /** Default: the script's file name. */
  name?: string;
  /** `--store`: a folder, a .db file or a URL; default `$RUNMETER_STORE` or runmeter's home. */
  store?: string;
  /** `--server`: record on a runmeter server instead (its URL and token). */
  server?: { url: string; token?: string };
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How often system metrics are reported, in ms (default 5000). */
  reportIntervalMs?: number;
  /** How often system metrics are read, in ms (default 1000). */
  sampleIntervalMs?: number;
  /** Sample system metrics (default true). */
  system?: boolean;
  /** More filesystems for the disk series, beside the working directory's. */
  diskPaths?: string[];
  /** Run the job on a pseudo-terminal (default false). */
  tty?: boolean;
  /** How long a signalled job gets before its process group is killed, in ms (default 10000). */
  graceMs?: number;
  /** How long output is still read after the job's own process exits (children holding its pipes), in ms (default 2000). */
  outputGraceMs?: number;
  /** Set PYTHONUNBUFFERED=1 for the job unless the user set it (default true). */
  pythonUnbuffered?: boolean;
  parse?: ParseOptions;
  params?: Record<string, unknown>;
  tags?: string[];
  project?: string;
  /** Silence runmeter's own messages (not the job's output). */
  quiet?: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /**
   * The job's output goes straight to this process's own stdout and stderr (descriptors 1 and 2), moved by a thread
   * of its own at the speed of `cat` (Linux; elsewhere, and with a terminal, through `stdout` and `stderr`).
   */
  directOutput?: boolean;
  /** Forward SIGINT, SIGTERM and SIGHUP sent to this process (default true). */
  forwardSignals?: boolean;
  /** `--spool-limit`: the most the spool may hold, in bytes (default: $RUNMETER_SPOOL_LIMIT_MB, else 1 GB). */
  spoolLimitBytes?: number;
  /** `--model`: the model counted at start, whose FLOPs are recorded per printed step with achieved TFLOP/s and MFU. */
  model?: RunModel;
  /** The Python client: `import runmeter` works in the job, and its calls are recorded into this run (docs/python.md). */
  pythonClient?: PythonClient;
  /**
   * `--join KEY`: record into the one run that every agent given this key records into (one per node); the run's id
   * is made from the key. `node` labels this agent's series and output (its host name unless `--node` says).
   */
  join?: { key: string; node: string };
}

/** How a job ended: one shape for success and failure. `exitCode` is what runmeter exits with. */
export interface JobResult {
  runId: string;
  status: RunStatus;
  exitCode: number;
  signal?: NodeJS.Signals;
  reason?: string;
  durationMs: number;
  summary?: RecordingSummary;
  /** Set when some of the recording could not be stored yet: the spool the next runmeter command merges. */
  spoolDir?: string;
  /** Whether the job's stderr ended at the start of a line (or was empty): what a line printed after it needs. */
  stderrAtLineStart: boolean;
}

/** How much output passes between the collections that free its read buffers (see youngGenerationCollector). */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * Runs a training job under runmeter: its output passes through byte for byte while it is parsed for metrics,
 * system metrics are sampled, and everything is recorded as one run. Never slows, blocks or alters the job:
 * if recording fails, the job goes on and runmeter says once what failed.
 */
export async function runJob(options: RunJobOptions): Promise<JobResult> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const say = (message: string) => {
    if (!options.quiet) stderr.write(`runmeter: ${message}\n`);
  };
  const warned = new Set<string>();
  const warn = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    say(message.startsWith('warning: ') ? message : `warning: ${message}`);
  };
  // If a stream's reader goes away (`runmeter run ... | head`), the job's own writes there fail next, as without runmeter.
  let job: JobProcess | undefined;
  for (const [which, stream] of [
    ['stdout', stdout],
    ['stderr', stderr],
  ] as const) {
    (stream as NodeJS.EventEmitter).on?.('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') job?.closeOutput(which);
    });
  }

  // The job starts first; the store, the sampler and the worker come up beside it, so runmeter adds no start-up
  // delay. The run id is made here, so the job's environment can carry it.
  const startTime = Date.now();
  const name = options.name ?? defaultRunName(options.command);
  const runId = options.join === undefined ? newRunId((n) => crypto.getRandomValues(new Uint8Array(n))) : await joinRunId(options.join.key);
  const memberKey = options.join === undefined ? undefined : newMemberKey(options.join.node);
  const storeSpec = resolvedStoreSpec(options.store, env);
  const storeSink = options.server === undefined ? openSink(storeSpec, env) : undefined;
  const location = options.server === undefined ? (storeSink?.location as string) : options.server.url.replace(/\/\/[^@/]*@/, '//');
  const files = outputFiles(runId, memberKey, (stream) => storeSink?.outputFile(runId, stream, memberKey), env);
  const jobEnv: NodeJS.ProcessEnv = { ...env, RUNMETER_RUN_ID: runId, RUNMETER_STORE: storeSpec, RUNMETER_AGENT_PID: String(process.pid) };
  if (options.join !== undefined) jobEnv.RUNMETER_NODE = options.join.node;
  if (options.pythonUnbuffered !== false && env.PYTHONUNBUFFERED === undefined) jobEnv.PYTHONUNBUFFERED = '1';
  // A program in the job that logs through the SDK joins this run where it is recorded: on the server, if there.
  if (options.server !== undefined) jobEnv.RUNMETER_SERVER = options.server.url;
  if (options.server?.token !== undefined) jobEnv.RUNMETER_TOKEN = options.server.token;
  const client = options.pythonClient === undefined ? undefined : clientChannel(options.pythonClient, env, warn);
  if (client !== undefined) Object.assign(jobEnv, client.env);
  const run: NewRun & { id: string } = {
    id: runId,
    name,
    command: options.command,
    cwd,
    host: os.hostname(),
    user: currentUser(env),
    startTime,
    version,
    agentPid: process.pid,
    source: 'run',
    params: options.params ?? {},
    tags: options.tags ?? [],
  };
  if (options.project !== undefined) run.project = options.project;
  const agentId = processIdentity(process.pid);
  if (agentId !== undefined) run.agentId = agentId;
  let member: MemberUpdate | undefined;
  if (options.join !== undefined && memberKey !== undefined) {
    run.joinKey = options.join.key;
    member = { key: memberKey, node: options.join.node, host: run.host, command: run.command, cwd, status: 'running', startTime, agentPid: process.pid };
    if (agentId !== undefined) member.agentId = agentId;
  }

  let startError: Error | undefined;
  const wantsTerminal = options.tty === true;
  const hasTerminal = (stdout as NodeJS.WriteStream).isTTY === true;
  // The pump thread's word to the ingest worker: which ranges of the files arrived when.
  const pumpChannel = options.directOutput === true && !(wantsTerminal && hasTerminal) ? new MessageChannel() : undefined;
  try {
    const spawnOptions = { command: options.command, cwd, env: jobEnv, stdin: options.stdin ?? process.stdin };
    const pump = pumpChannel === undefined ? undefined : { to: { stdout: 1, stderr: 2 }, files: files.paths, ingest: pumpChannel.port1, warn };
    job =
      wantsTerminal && hasTerminal
        ? await spawnWithTerminal(spawnOptions, stdout as NodeJS.WriteStream)
        : await spawnWithPipes({ ...spawnOptions, ...(pump === undefined ? {} : { pump }) });
  } catch (error) {
    startError = error as Error;
  }
  const outputPort = job?.pumped === undefined ? undefined : pumpChannel?.port2;
  if (outputPort === undefined) pumpChannel?.port2.close();
  if (wantsTerminal && !hasTerminal) warn("--tty needs runmeter's stdout to be a terminal; the job gets pipes");

  // Everything that touches the store happens in the worker: this thread runs the job (and moves its bytes along
  // where no pump thread does).
  const workerConfig: WorkerConfig = {
    storeSpec,
    ...(options.server === undefined ? {} : { server: options.server }),
    runId,
    run,
    ...(member === undefined ? {} : { member }),
    cwd,
    describeMachine: options.system !== false,
    files: files.paths,
    outputInStore: files.inStore,
    parse: options.parse ?? {},
    flushMs: 100,
    ...(outputPort === undefined ? {} : { outputPort }),
    ...(client === undefined ? {} : { channel: client.channel }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.spoolLimitBytes === undefined ? {} : { spoolLimitBytes: options.spoolLimitBytes }),
  };
  // Said once the run exists in the store, so `runmeter ls` finds what this line names.
  const ingest = new IngestThread(workerConfig, jobEnv, warn, () => {
    const joined = options.join === undefined ? '' : ` (join key ${JSON.stringify(options.join.key)}, node ${options.join.node})`;
    if (job !== undefined) say(`recording run ${runId} "${name}"${joined} in ${location}`);
  });
  const recorder = new OutputRecorder(files.paths, (entries) => ingest.post({ type: 'output', entries }), warn);

  const collect = youngGenerationCollector();
  let sinceCollection = 0;
  // The output's last 32 KB, both streams (a --tty job has one): where a traceback or an OOM message is.
  const stderrTail = new OutputTail();
  let stderrAtLineStart = true;
  // Without a pump, and should the pump fail (then from where it left off), the output passes through this thread.
  job?.onOutput(
    (stream, chunk) => {
      (stream === 'stdout' ? stdout : stderr).write(chunk);
      stderrTail.push(chunk);
      if (stream === 'stderr' && chunk.length > 0) stderrAtLineStart = chunk[chunk.length - 1] === 0x0a;
      recorder.record(stream, chunk, Date.now());
      sinceCollection += chunk.length;
      if (sinceCollection >= COLLECT_EVERY_BYTES) {
        sinceCollection = 0;
        collect();
      }
    },
    (offsets, tail) => {
      recorder.resumeAt(offsets);
      stderrTail.push(Buffer.from(tail));
    },
  );

  if (job === undefined) {
    const exitCode = startError instanceof JobStartError ? startError.exitCode : 126;
    const reason = startError?.message ?? 'the job did not start';
    stderr.write(`runmeter: ${reason}\n`);
    ingest.post({ type: 'end', update: { status: 'failed', exitCode, reason, endTime: Date.now() } });
    const summary = await ingest.done;
    await ingest.terminate();
    return withSpool({ runId, status: 'failed', exitCode, reason, durationMs: Date.now() - startTime, stderrAtLineStart }, summary);
  }
  const running = job;
  const listen = options.forwardSignals !== false;
  const signals = new SignalForwarder(running, options.graceMs ?? 10_000, say, listen);
  const sampling =
    options.system === false
      ? undefined
      : startSampling(
          {
            pid: running.pid,
            diskPaths: [cwd, ...(options.diskPaths ?? [])],
            sampleIntervalMs: options.sampleIntervalMs ?? 1000,
            reportIntervalMs: options.reportIntervalMs ?? 5000,
            env: jobEnv,
            startTime,
          },
          (points) => ingest.post({ type: 'points', points }),
          warn,
        );

  // The run ends when the job's own process exits; children that still hold its output get a short grace.
  const ended = await running.exited;
  const endTime = Date.now();
  signals.stop();
  const exitCode = ended.exitCode ?? signalExitCode(ended.signal ?? 'SIGKILL');
  const unguard = guardRecording(say, () => process.exit(exitCode), listen);
  running.detachInput();
  await waitForOutput(running, options.outputGraceMs ?? 2000);
  const pumped = await running.pumped;
  if (pumped?.completed === true) {
    stderrTail.push(Buffer.from(pumped.tail));
    stderrAtLineStart = pumped.lastByte.stderr === 0x0a;
  }
  const seen = await (await sampling)?.finish(endTime);

  const status: RunStatus = ended.signal !== null || (signals.forwarded !== undefined && exitCode !== 0) ? 'killed' : exitCode === 0 ? 'succeeded' : 'failed';
  const signal = ended.signal ?? (status === 'killed' ? signals.forwarded : undefined);
  recorder.close();
  // Why it ended, in words, when the output or the system says more than the exit status (OOM, CUDA OOM, a traceback).
  const cause = endCause({
    exitCode: ended.exitCode ?? undefined,
    signal: signal ?? undefined,
    endTime,
    stderrTail: stderrTail.text(),
    oom: seen?.oom,
    env: jobEnv,
    gpuError: seen?.gpuErrors.at(-1),
  });
  const energy = seen !== undefined && seen.energy.length > 0 ? { uses: seen.energy, gridIntensity: gridIntensity(env, warn) } : undefined;
  ingest.post({
    type: 'end',
    // The pump's ranges come to the worker on their own channel: it waits for the pump's last word there, if said.
    pumped: outputPort !== undefined && pumped?.lost !== true,
    update: { status, exitCode, endTime, ...(signal ? { signal } : {}), ...(cause ? { cause } : {}) },
    ...(energy ? { energy } : {}),
  });
  const slow = setTimeout(() => say('finishing the recording...'), 2000);
  const summary = await ingest.done;
  clearTimeout(slow);
  await ingest.terminate();
  if (client !== undefined) fs.rmSync(client.dir, { recursive: true, force: true }); // the worker removes it, unless it died
  unguard();
  const result = withSpool({ runId, status, exitCode, durationMs: endTime - startTime, stderrAtLineStart, ...(signal ? { signal } : {}) }, summary);
  const unrecorded = recorder.unrecorded + (pumped?.unrecorded ?? 0);
  if (unrecorded > 0) warn(`${unrecorded} bytes of the job's output could not be recorded (the job's own output was not touched)`);
  say(summaryLine(result, name));
  return result;
}

/** Waits for the job's output to end, for at most `graceMs` after the job exited; then stops reading it. */
async function waitForOutput(job: JobProcess, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([job.outputEnded, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  job.stopReading();
}

/**
 * Where the job's output is written as it arrives: the store's own files when it keeps output as files (batches then
 * only index them), else a private local copy under runmeter's home that batches carry the bytes from.
 */
function outputFiles(
  runId: string,
  memberKey: string | undefined,
  storeFile: (stream: OutputStream) => string | undefined,
  env: NodeJS.ProcessEnv,
): { paths: Record<OutputStream, string>; inStore: boolean } {
  const stdout = storeFile('stdout');
  const stderr = storeFile('stderr');
  if (stdout !== undefined && stderr !== undefined) return { paths: { stdout, stderr }, inStore: true };
  const home = runmeterHome(env);
  // Never through a home the store refuses (a link, another user's): a fresh private folder in the temp dir then.
  // A joined run's members on one machine keep their copies apart.
  const dir =
    storeFolderProblem(home) === undefined
      ? path.join(home, 'output', runId, ...(memberKey === undefined ? [] : [memberKey]))
      : fs.mkdtempSync(path.join(os.tmpdir(), `runmeter-output-${runId}-`));
  return { paths: { stdout: path.join(dir, 'stdout.log'), stderr: path.join(dir, 'stderr.log') }, inStore: false };
}

function withSpool(result: JobResult, summary: RecordingSummary | undefined): JobResult {
  if (summary !== undefined) result.summary = summary;
  if (summary?.spoolDir !== undefined) result.spoolDir = summary.spoolDir;
  return result;
}

function summaryLine(result: JobResult, name: string): string {
  const how = result.signal ? `${result.status} (${result.signal})` : result.exitCode === 0 ? result.status : `${result.status} (exit ${result.exitCode})`;
  const metrics = (result.summary?.metrics ?? [])
    .slice(-4)
    .map((m) => `${m.name} ${formatValue(m.value)}`)
    .join(', ');
  const summary = result.summary;
  let where = `runmeter show ${result.runId}`;
  if (summary === undefined) where = 'the recording stopped early (see the warnings above)';
  else if (result.spoolDir !== undefined && summary.spooledPoints + summary.lostPoints > 0) {
    where = `${summary.spooledPoints} points wait in ${result.spoolDir}; any runmeter command adds them once the store takes writes (runmeter sync; elsewhere: runmeter sync --from ${result.spoolDir} --store STORE)`;
  } else if (result.spoolDir !== undefined)
    where = `the run's end waits in ${result.spoolDir}; any runmeter command adds it once the store takes writes (runmeter sync)`;
  return `run ${result.runId} "${name}" ${how} after ${formatDuration(result.durationMs)}${metrics ? `; ${metrics}` : ''}; ${where}`;
}

/** The grid intensity for the run's CO2e: RUNMETER_GRID_INTENSITY, else the world average (said when the variable is wrong). */
function gridIntensity(env: NodeJS.ProcessEnv, warn: (message: string) => void): GridIntensity {
  try {
    return gridIntensityFromEnv(env);
  } catch (error) {
    warn(`${(error as Error).message}; using the world average`);
    return { gramsPerKwh: worldAverageGridIntensity, source: 'world average' };
  }
}
