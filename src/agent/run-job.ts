import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { formatDuration, formatValue } from '../model/format.js';
import type { RunStatus } from '../model/run.js';
import type { ParseOptions } from '../parse/types.js';
import { createSystemSampler } from '../sample/index.js';
import type { SystemSampler } from '../sample/types.js';
import { openStore, runmeterHome, storeLocation } from '../store/open.js';
import type { OutputStream, Store } from '../store/store.js';
import { version } from '../version.js';
import { type JobProcess, JobStartError, signalExitCode, spawnWithPipes } from './job-process.js';
import { spawnWithTerminal } from './job-terminal.js';
import type { FromWorker, RecordingSummary, ToWorker, WorkerConfig } from './messages.js';
import { currentUser, defaultRunName, gitState } from './metadata.js';
import { OutputRecorder } from './output-recorder.js';
import { describeJobMachine, isProcessAlive } from './system-info.js';

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

  const startTime = Date.now();
  const host = os.hostname();
  const name = options.name ?? defaultRunName(options.command);
  const fallbackDir = path.join(os.tmpdir(), `runmeter-${process.pid}-${startTime}`);
  let store: Store | undefined;
  let runId = `local-${startTime.toString(36)}`;
  try {
    store = openStore(options.store, env);
    await store.markLostRuns(host, isProcessAlive).catch(() => []);
    const run = await store.createRun({
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
    });
    runId = run.id;
  } catch (error) {
    warn(`cannot record this run in the store (${(error as Error).message}); the job runs, and its output and metrics are kept in ${fallbackDir}`);
    await store?.close().catch(() => {});
    store = undefined;
  }

  const files: Record<OutputStream, string> = {
    stdout: store?.outputFile(runId, 'stdout') ?? path.join(fallbackDir, 'stdout.log'),
    stderr: store?.outputFile(runId, 'stderr') ?? path.join(fallbackDir, 'stderr.log'),
  };
  // The spec that opens this same store from anywhere: the job's SDK attaches through it, the worker opens it.
  const storeSpec =
    storeLocation(options.store, env).kind === 'postgres'
      ? (options.store ?? env.RUNMETER_STORE)
      : path.resolve(options.store ?? (env.RUNMETER_STORE || runmeterHome(env)));
  const jobEnv: NodeJS.ProcessEnv = { ...env, RUNMETER_RUN_ID: runId, RUNMETER_STORE: storeSpec };
  if (options.pythonUnbuffered !== false && env.PYTHONUNBUFFERED === undefined) jobEnv.PYTHONUNBUFFERED = '1';

  const workerConfig: WorkerConfig = {
    storeSpec: store === undefined ? undefined : storeSpec,
    runId,
    files,
    parse: options.parse ?? {},
    flushMs: 100,
    fallbackDir,
  };
  const entry = workerEntry();
  const worker = new Worker(entry.url, { workerData: workerConfig, execArgv: entry.execArgv });
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

  let job: JobProcess;
  try {
    const spawnOptions = { command: options.command, cwd, env: jobEnv, stdin: options.stdin ?? process.stdin };
    job =
      options.tty && (stdout as NodeJS.WriteStream).isTTY
        ? await spawnWithTerminal(spawnOptions, stdout as NodeJS.WriteStream)
        : await spawnWithPipes(spawnOptions);
  } catch (error) {
    const exitCode = error instanceof JobStartError ? error.exitCode : 126;
    const reason = (error as Error).message;
    stderr.write(`runmeter: ${reason}\n`);
    toWorker({ type: 'end' });
    await workerDone;
    await worker.terminate();
    await store?.updateRun(runId, { status: 'failed', exitCode, reason, endTime: Date.now() }).catch(() => {});
    await store?.close();
    return { runId, status: 'failed', exitCode, reason, durationMs: Date.now() - startTime };
  }
  say(`recording run ${runId} "${name}" in ${store?.location ?? fallbackDir}`);

  job.onOutput((stream, chunk) => {
    (stream === 'stdout' ? stdout : stderr).write(chunk);
    recorder.record(stream, chunk, Date.now());
  });

  let sampler: SystemSampler | undefined;
  let reportTimer: NodeJS.Timeout | undefined;
  if (options.system !== false) {
    try {
      sampler = createSystemSampler({
        rootPid: job.pid,
        diskPaths: [cwd, ...(options.diskPaths ?? [])],
        sampleIntervalMs: options.sampleIntervalMs ?? 1000,
        env: jobEnv,
        warn,
      });
      sampler.start();
      const report = () => {
        const points = sampler?.report(Date.now()) ?? [];
        if (points.length > 0) toWorker({ type: 'points', points });
      };
      void sampler.sampleNow().then(report, (error: Error) => warn(`system metrics: ${error.message}`));
      reportTimer = setInterval(report, options.reportIntervalMs ?? 5000);
    } catch (error) {
      warn(`system metrics are off for this run (${(error as Error).message})`);
    }
  }
  if (store !== undefined) {
    const runStore = store;
    void gitState(cwd)
      .then((git) => (git ? runStore.updateRun(runId, { gitCommit: git.commit, gitDirty: git.dirty }) : undefined))
      .catch(() => {});
    void describeJobMachine(jobEnv)
      .then((system) => runStore.updateRun(runId, { system }))
      .catch(() => {});
  }

  let forwarded: NodeJS.Signals | undefined;
  let interrupts = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const graceMs = options.graceMs ?? 10_000;
  const onSignal = (signal: NodeJS.Signals) => {
    forwarded = signal;
    if (signal === 'SIGINT' && ++interrupts >= 2) {
      say('second interrupt: killing the job');
      job.signalGroup('SIGKILL');
      return;
    }
    job.signalGroup(signal);
    graceTimer ??= setTimeout(() => {
      warn(`the job is still running ${formatDuration(graceMs)} after ${signal}: killing its process group`);
      job.signalGroup('SIGKILL');
    }, graceMs);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const killOnExit = () => job.signalGroup('SIGTERM');
  if (options.forwardSignals !== false) for (const signal of signals) process.on(signal, onSignal);
  process.on('exit', killOnExit);

  const ended = await job.exited;
  process.off('exit', killOnExit);
  for (const signal of signals) process.off(signal, onSignal);
  if (graceTimer) clearTimeout(graceTimer);
  if (reportTimer) clearInterval(reportTimer);
  job.detachInput();
  const endTime = Date.now();

  if (sampler !== undefined) {
    const points = sampler.report(endTime);
    if (points.length > 0) toWorker({ type: 'points', points });
    await sampler.stop().catch(() => {});
  }
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
  say(summaryLine(result, name));
  return result;
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
