import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { formatDuration, formatValue } from '../model/format.js';
import type { SeriesPoint } from '../model/point.js';
import { type NewRun, newRunId, type RunStatus } from '../model/run.js';
import type { ParseOptions } from '../parse/types.js';
import type { SystemSampler } from '../sample/types.js';
import { processIdentity } from '../store/agent-process.js';
import { runmeterHome, storeLocation } from '../store/location.js';
import type { OutputStream } from '../store/store.js';
import { version } from '../version.js';
import { type JobProcess, JobStartError, signalExitCode, spawnWithPipes } from './job-process.js';
import { spawnWithTerminal } from './job-terminal.js';
import type { FromWorker, RecordingSummary, ToWorker, WorkerConfig } from './messages.js';
import { currentUser, defaultRunName } from './metadata.js';
import { OutputRecorder } from './output-recorder.js';
import { youngGenerationCollector } from './young-gc.js';

export interface RunJobOptions {
  /** The command and its arguments. */
  command: string[];
  /** Default: the script's file name. */
  name?: string;
  /** `--store`: a folder, a .db file or a URL; default `$RUNMETER_STORE` or runmeter's home. */
  store?: string;
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
  /** Set PYTHONUNBUFFERED=1 for the job unless the user set it (default true). */
  pythonUnbuffered?: boolean;
  parse?: ParseOptions;
  params?: Record<string, unknown>;
  tags?: string[];
  /** Silence runmeter's own messages (not the job's output). */
  quiet?: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Forward SIGINT, SIGTERM and SIGHUP sent to this process (default true). */
  forwardSignals?: boolean;
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
  /** Set when nothing could be written to the store: where the output and metrics were kept instead. */
  fallbackDir?: string;
}

/** How much output passes between the collections that free its read buffers (see youngGenerationCollector). */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

function workerEntry(): { url: URL; execArgv: string[] } {
  // Under the test runner this module is TypeScript source; the worker then needs tsx to load.
  return import.meta.url.endsWith('.ts')
    ? { url: new URL('./ingest-worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }
    : { url: new URL('./ingest-worker.js', import.meta.url), execArgv: [] };
}

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
    if (!warned.has(message)) {
      warned.add(message);
      say(`warning: ${message}`);
    }
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

  // The job starts first; the store, the sampler and the worker come up beside it, so runmeter adds no
  // start-up delay. The run id is made here, so the job's environment can carry it.
  const startTime = Date.now();
  const host = os.hostname();
  const name = options.name ?? defaultRunName(options.command);
  const runId = newRunId((n) => crypto.getRandomValues(new Uint8Array(n)));
  const fallbackDir = path.join(os.tmpdir(), `runmeter-${runId}`);
  const location = storeLocation(options.store, env);
  const files: Record<OutputStream, string> =
    location.kind === 'sqlite'
      ? { stdout: path.join(location.filesDir, 'runs', runId, 'stdout.log'), stderr: path.join(location.filesDir, 'runs', runId, 'stderr.log') }
      : { stdout: path.join(fallbackDir, 'stdout.log'), stderr: path.join(fallbackDir, 'stderr.log') };
  // The spec that opens this same store from anywhere: the job's SDK attaches through it, the worker opens it.
  const storeSpec = location.kind === 'postgres' ? location.url : path.resolve(options.store ?? (env.RUNMETER_STORE || runmeterHome(env)));
  const jobEnv: NodeJS.ProcessEnv = { ...env, RUNMETER_RUN_ID: runId, RUNMETER_STORE: storeSpec, RUNMETER_AGENT_PID: String(process.pid) };
  if (options.pythonUnbuffered !== false && env.PYTHONUNBUFFERED === undefined) jobEnv.PYTHONUNBUFFERED = '1';

  const run: NewRun = {
    id: runId,
    name,
    command: options.command,
    cwd,
    host,
    user: currentUser(env),
    startTime,
    version,
    agentPid: process.pid,
    source: 'run',
    params: options.params ?? {},
    tags: options.tags ?? [],
  };
  const agentId = processIdentity(process.pid);
  if (agentId !== undefined) run.agentId = agentId;

  let startError: Error | undefined;
  const wantsTerminal = options.tty === true;
  const hasTerminal = (stdout as NodeJS.WriteStream).isTTY === true;
  try {
    const spawnOptions = { command: options.command, cwd, env: jobEnv, stdin: options.stdin ?? process.stdin };
    job = wantsTerminal && hasTerminal ? await spawnWithTerminal(spawnOptions, stdout as NodeJS.WriteStream) : await spawnWithPipes(spawnOptions);
  } catch (error) {
    startError = error as Error;
  }
  if (wantsTerminal && !hasTerminal) warn("--tty needs runmeter's stdout to be a terminal; the job gets pipes");

  // Everything that touches the store happens in the worker: this thread only moves the job's bytes along.
  const workerConfig: WorkerConfig = {
    storeSpec,
    runId,
    run,
    cwd,
    describeMachine: options.system !== false,
    files,
    parse: options.parse ?? {},
    flushMs: 100,
    fallbackDir,
  };
  const entry = workerEntry();
  // A small young generation keeps the worker's memory near what it holds (a few batches of points), not what it
  // has churned through: runmeter's whole RSS stays under ~150 MB on a job printing hundreds of MB.
  const worker = new Worker(entry.url, {
    workerData: workerConfig,
    execArgv: entry.execArgv,
    env: jobEnv,
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
  });
  let resolveDone: (summary: RecordingSummary | undefined) => void = () => {};
  const workerDone = new Promise<RecordingSummary | undefined>((resolve) => {
    resolveDone = resolve;
  });
  const toWorker = (message: ToWorker) => worker.postMessage(message);
  /** Where the run is recorded: the store's location, `null` when it could not be, undefined until the worker says. */
  let recordedIn: string | null | undefined;
  /** Problems with the output files, held until the store's fate is known: if the store failed, that was said already. */
  const fileProblems: string[] = [];
  const recorder = new OutputRecorder(
    files,
    fallbackDir,
    (entries) => toWorker({ type: 'output', entries }),
    (message) => {
      if (recordedIn === undefined) fileProblems.push(message);
      else if (recordedIn !== null) warn(message);
    },
  );
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'warning') warn(message.message);
    else if (message.type === 'recording') {
      recordedIn = message.location ?? null;
      if (recordedIn === null) recorder.moveToFallback();
      else {
        if (job !== undefined) say(`recording run ${runId} "${name}" in ${recordedIn}`);
        for (const problem of fileProblems.splice(0)) warn(problem);
      }
    } else resolveDone(message.summary);
  });
  worker.on('error', (error) => {
    warn(`recording stopped (${error.message}); the job goes on`);
    resolveDone(undefined);
  });
  worker.on('exit', () => resolveDone(undefined));

  const collect = youngGenerationCollector();
  let sinceCollection = 0;
  job?.onOutput((stream, chunk) => {
    (stream === 'stdout' ? stdout : stderr).write(chunk);
    recorder.record(stream, chunk, Date.now());
    sinceCollection += chunk.length;
    if (sinceCollection >= COLLECT_EVERY_BYTES) {
      sinceCollection = 0;
      collect();
    }
  });

  if (job === undefined) {
    const exitCode = startError instanceof JobStartError ? startError.exitCode : 126;
    const reason = startError?.message ?? 'the job did not start';
    stderr.write(`runmeter: ${reason}\n`);
    toWorker({ type: 'end', update: { status: 'failed', exitCode, reason, endTime: Date.now() }, files: recorder.files });
    const summary = await workerDone;
    await worker.terminate();
    const result: JobResult = { runId, status: 'failed', exitCode, reason, durationMs: Date.now() - startTime };
    if (summary === undefined || !summary.stored) result.fallbackDir = fallbackDir;
    return result;
  }
  const running = job;

  // Signals are forwarded from the moment the job exists.
  let forwarded: NodeJS.Signals | undefined;
  let interrupts = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const graceMs = options.graceMs ?? 10_000;
  const onSignal = (signal: NodeJS.Signals) => {
    forwarded = signal;
    if (signal === 'SIGINT' && ++interrupts >= 2) {
      say('second interrupt: killing the job');
      running.signalGroup('SIGKILL');
      return;
    }
    running.signalGroup(signal);
    graceTimer ??= setTimeout(() => {
      warn(`the job is still running ${formatDuration(graceMs)} after ${signal}: killing its process group`);
      running.signalGroup('SIGKILL');
    }, graceMs);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const killOnExit = () => running.signalGroup('SIGTERM');
  if (options.forwardSignals !== false) for (const signal of signals) process.on(signal, onSignal);
  process.on('exit', killOnExit);

  const sampling =
    options.system === false ? undefined : startSampling(options, running.pid, cwd, jobEnv, (points) => toWorker({ type: 'points', points }), warn);

  const ended = await running.exited;
  process.off('exit', killOnExit);
  for (const signal of signals) process.off(signal, onSignal);
  if (graceTimer) clearTimeout(graceTimer);
  // The job is gone; a signal now must not kill runmeter mid-write and leave the run looking alive.
  // Two more and the user means it: stop at once, with the job's status.
  let lateSignals = 0;
  const onLateSignal = () => {
    if (++lateSignals === 1) say('finishing the recording (interrupt again to stop now)');
    else process.exit(ended.exitCode ?? signalExitCode(ended.signal ?? 'SIGKILL'));
  };
  if (options.forwardSignals !== false) for (const signal of signals) process.on(signal, onLateSignal);
  running.detachInput();
  const endTime = Date.now();
  await (await sampling)?.finish(endTime);

  const exitCode = ended.exitCode ?? signalExitCode(ended.signal ?? 'SIGKILL');
  const status: RunStatus = ended.signal !== null || (forwarded !== undefined && exitCode !== 0) ? 'killed' : exitCode === 0 ? 'succeeded' : 'failed';
  const signal = ended.signal ?? (status === 'killed' ? forwarded : undefined);
  recorder.close();
  toWorker({ type: 'end', update: { status, exitCode, endTime, ...(signal ? { signal } : {}) }, files: recorder.files });
  const slow = setTimeout(() => say('finishing the recording...'), 2000);
  const summary = await workerDone;
  clearTimeout(slow);
  await worker.terminate();

  const result: JobResult = { runId, status, exitCode, durationMs: endTime - startTime };
  if (signal) result.signal = signal;
  if (summary) result.summary = summary;
  if (summary === undefined || !summary.stored) {
    result.fallbackDir = fallbackDir;
    // The output moved to the fallback folder with everything else; the store holds no run to keep a copy for.
    if (recordedIn === null) removeQuietly(path.dirname(files.stdout), fallbackDir);
  }
  for (const signal of signals) process.off(signal, onLateSignal);
  say(summaryLine(result, name));
  return result;
}

/** Samples system metrics for the job and reports them every interval, at start, and once more at `finish`. */
async function startSampling(
  options: RunJobOptions,
  pid: number,
  cwd: string,
  env: NodeJS.ProcessEnv,
  send: (points: SeriesPoint[]) => void,
  warn: (message: string) => void,
): Promise<{ finish(time: number): Promise<void> } | undefined> {
  let sampler: SystemSampler;
  try {
    const { createSystemSampler } = await import('../sample/index.js');
    sampler = createSystemSampler({
      rootPid: pid,
      diskPaths: [cwd, ...(options.diskPaths ?? [])],
      sampleIntervalMs: options.sampleIntervalMs ?? 1000,
      env,
      warn,
    });
    sampler.start();
  } catch (error) {
    warn(`system metrics are off for this run (${(error as Error).message})`);
    return undefined;
  }
  const report = (time: number) => {
    const points = sampler.report(time);
    if (points.length > 0) send(points);
  };
  const first = sampler.sampleNow().then(
    () => report(Date.now()),
    (error: Error) => warn(`system metrics: ${error.message}`),
  );
  const timer = setInterval(() => report(Date.now()), options.reportIntervalMs ?? 5000);
  return {
    async finish(time: number) {
      clearInterval(timer);
      await first;
      await sampler.sampleNow().catch(() => {});
      report(time);
      await sampler.stop().catch(() => {});
    },
  };
}

/** Removes a run's folder in a store that could not record the run, unless it is the fallback folder itself. */
function removeQuietly(dir: string, fallbackDir: string): void {
  if (path.resolve(dir) === path.resolve(fallbackDir)) return;
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Nothing was ours to keep there; leaving it is harmless.
  }
}

function summaryLine(result: JobResult, name: string): string {
  const how = result.signal ? `${result.status} (${result.signal})` : result.exitCode === 0 ? result.status : `${result.status} (exit ${result.exitCode})`;
  const metrics = (result.summary?.metrics ?? [])
    .slice(-4)
    .map((m) => `${m.name} ${formatValue(m.value)}`)
    .join(', ');
  const where = result.fallbackDir ? `kept in ${result.fallbackDir}` : `runmeter show ${result.runId}`;
  return `run ${result.runId} "${name}" ${how} after ${formatDuration(result.durationMs)}${metrics ? `; ${metrics}` : ''}; ${where}`;
}
