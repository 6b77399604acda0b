import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { formatDuration, formatValue } from '../model/format.js';
import type { SeriesPoint } from '../model/point.js';
import type { RunStatus } from '../model/run.js';
import { newRunId } from '../model/run.js';
import type { ParseOptions } from '../parse/types.js';
import type { SystemSampler } from '../sample/types.js';
import { runmeterHome, storeLocation } from '../store/location.js';
import type { OutputStream, Store } from '../store/store.js';
import { version } from '../version.js';
import { type JobProcess, JobStartError, signalExitCode, spawnWithPipes } from './job-process.js';
import { spawnWithTerminal } from './job-terminal.js';
import type { FromWorker, RecordingSummary, ToWorker, WorkerConfig } from './messages.js';
import { currentUser, defaultRunName, gitState, isProcessAlive } from './metadata.js';
import { OutputRecorder } from './output-recorder.js';

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
  for (const stream of [stdout, stderr]) (stream as NodeJS.EventEmitter).on?.('error', () => {});

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
  const jobEnv: NodeJS.ProcessEnv = { ...env, RUNMETER_RUN_ID: runId, RUNMETER_STORE: storeSpec };
  if (options.pythonUnbuffered !== false && env.PYTHONUNBUFFERED === undefined) jobEnv.PYTHONUNBUFFERED = '1';

  const workerConfig: WorkerConfig = { storeSpec, runId, files, parse: options.parse ?? {}, flushMs: 100, fallbackDir };
  let job: JobProcess | undefined;
  let startError: Error | undefined;
  try {
    const spawnOptions = { command: options.command, cwd, env: jobEnv, stdin: options.stdin ?? process.stdin };
    job =
      options.tty && (stdout as NodeJS.WriteStream).isTTY
        ? await spawnWithTerminal(spawnOptions, stdout as NodeJS.WriteStream)
        : await spawnWithPipes(spawnOptions);
  } catch (error) {
    startError = error as Error;
  }

  const entry = workerEntry();
  // A small young generation keeps the worker's memory near what it holds (a few batches of points), not what it
  // has churned through: runmeter's whole RSS stays under ~150 MB on a job printing hundreds of MB.
  const worker = new Worker(entry.url, {
    workerData: workerConfig,
    execArgv: entry.execArgv,
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
  });
  let resolveDone: (summary: RecordingSummary | undefined) => void = () => {};
  const workerDone = new Promise<RecordingSummary | undefined>((resolve) => {
    resolveDone = resolve;
  });
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'warning') warn(message.message);
    else resolveDone(message.summary);
  });
  worker.on('error', (error) => {
    warn(`recording stopped (${error.message}); the job goes on`);
    resolveDone(undefined);
  });
  worker.on('exit', () => resolveDone(undefined));
  const toWorker = (message: ToWorker) => worker.postMessage(message);
  const recorder = new OutputRecorder(files, (entries) => toWorker({ type: 'output', entries }), warn);

  job?.onOutput((stream, chunk) => {
    (stream === 'stdout' ? stdout : stderr).write(chunk);
    recorder.record(stream, chunk, Date.now());
  });

  // Signals are forwarded from the moment the job exists: one arriving while the store opens must not orphan it.
  let forwarded: NodeJS.Signals | undefined;
  let interrupts = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const graceMs = options.graceMs ?? 10_000;
  const onSignal = (signal: NodeJS.Signals) => {
    forwarded = signal;
    if (signal === 'SIGINT' && ++interrupts >= 2) {
      say('second interrupt: killing the job');
      job?.signalGroup('SIGKILL');
      return;
    }
    job?.signalGroup(signal);
    graceTimer ??= setTimeout(() => {
      warn(`the job is still running ${formatDuration(graceMs)} after ${signal}: killing its process group`);
      job?.signalGroup('SIGKILL');
    }, graceMs);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const killOnExit = () => job?.signalGroup('SIGTERM');
  if (options.forwardSignals !== false) for (const signal of signals) process.on(signal, onSignal);
  process.on('exit', killOnExit);

  const store = await openRunStore(options, { runId, name, cwd, host, startTime, env }, warn, fallbackDir);
  toWorker({ type: 'start', record: store !== undefined });

  if (job === undefined) {
    process.off('exit', killOnExit);
    for (const signal of signals) process.off(signal, onSignal);
    const exitCode = startError instanceof JobStartError ? startError.exitCode : 126;
    const reason = startError?.message ?? 'the job did not start';
    stderr.write(`runmeter: ${reason}\n`);
    toWorker({ type: 'end' });
    await workerDone;
    await worker.terminate();
    await store?.updateRun(runId, { status: 'failed', exitCode, reason, endTime: Date.now() }).catch(() => {});
    await store?.close();
    return { runId, status: 'failed', exitCode, reason, durationMs: Date.now() - startTime };
  }
  const running = job;
  say(`recording run ${runId} "${name}" in ${store?.location ?? fallbackDir}`);

  const sampling =
    options.system === false ? undefined : startSampling(options, running.pid, cwd, jobEnv, (points) => toWorker({ type: 'points', points }), warn);
  if (store !== undefined) describeRun(store, runId, cwd, jobEnv);

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
  recorder.close();
  toWorker({ type: 'end' });
  const slow = setTimeout(() => say('finishing the recording...'), 2000);
  const summary = await workerDone;
  clearTimeout(slow);
  await worker.terminate();

  const exitCode = ended.exitCode ?? signalExitCode(ended.signal ?? 'SIGKILL');
  const status: RunStatus = ended.signal !== null || (forwarded !== undefined && exitCode !== 0) ? 'killed' : exitCode === 0 ? 'succeeded' : 'failed';
  const signal = ended.signal ?? (status === 'killed' ? forwarded : undefined);
  const result: JobResult = { runId, status, exitCode, durationMs: endTime - startTime };
  if (signal) result.signal = signal;
  if (summary) result.summary = summary;
  if (store === undefined) result.fallbackDir = fallbackDir;
  if (store !== undefined) {
    try {
      await store.updateRun(runId, { status, exitCode, endTime, ...(signal ? { signal } : {}) });
    } catch (error) {
      warn(`cannot record how the run ended (${(error as Error).message})`);
    }
    await store.close().catch(() => {});
  }
  for (const signal of signals) process.off(signal, onLateSignal);
  say(summaryLine(result, name));
  return result;
}

/** Opens the store and creates the run in it; on failure says so once and returns undefined (the job goes on). */
async function openRunStore(
  options: RunJobOptions,
  run: { runId: string; name: string; cwd: string; host: string; startTime: number; env: NodeJS.ProcessEnv },
  warn: (message: string) => void,
  fallbackDir: string,
): Promise<Store | undefined> {
  let store: Store | undefined;
  try {
    const { openStore } = await import('../store/open.js');
    store = openStore(options.store, run.env);
    await store.markLostRuns(run.host, isProcessAlive).catch(() => []);
    await store.createRun({
      id: run.runId,
      name: run.name,
      command: options.command,
      cwd: run.cwd,
      host: run.host,
      user: currentUser(run.env),
      startTime: run.startTime,
      version,
      agentPid: process.pid,
      source: 'run',
      params: options.params ?? {},
      tags: options.tags ?? [],
    });
    return store;
  } catch (error) {
    warn(`cannot record this run in the store (${(error as Error).message}); the job runs, and its metrics are kept in ${fallbackDir}`);
    await store?.close().catch(() => {});
    return undefined;
  }
}

/** Fills in what takes a moment to find out (git state, the machine and its GPUs), without holding anything up. */
function describeRun(store: Store, runId: string, cwd: string, env: NodeJS.ProcessEnv): void {
  void gitState(cwd)
    .then((git) => (git ? store.updateRun(runId, { gitCommit: git.commit, gitDirty: git.dirty }) : undefined))
    .catch(() => {});
  void import('../sample/index.js')
    .then(({ describeMachine }) => describeMachine(env))
    .then((system) => store.updateRun(runId, { system }))
    .catch(() => {});
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

function summaryLine(result: JobResult, name: string): string {
  const how = result.signal ? `${result.status} (${result.signal})` : result.exitCode === 0 ? result.status : `${result.status} (exit ${result.exitCode})`;
  const metrics = (result.summary?.metrics ?? [])
    .slice(-4)
    .map((m) => `${m.name} ${formatValue(m.value)}`)
    .join(', ');
  const where = result.fallbackDir ? `kept in ${result.fallbackDir}` : `runmeter show ${result.runId}`;
  return `run ${result.runId} "${name}" ${how} after ${formatDuration(result.durationMs)}${metrics ? `; ${metrics}` : ''}; ${where}`;
}
