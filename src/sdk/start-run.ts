import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import { type NewRun, newRunId, type Run as RunRecord } from '../model/run.js';
import { currentUser, HttpSink, isProcessAlive, openSink, type PointSink, processIdentity, type StoreSink, startRecorder, storeSink } from '../record/index.js';
import { version } from '../version.js';
import type { StartRunOptions } from './options.js';
import { paramsFrom } from './params.js';
import { Run } from './run.js';
import { checkName, describe } from './validate.js';

function positive(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new UsageError(`startRun: expected ${what} to be a positive number, got ${describe(value)}`);
  }
  return value;
}

function checkTags(tags: unknown): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag === '')) {
    throw new UsageError(`startRun: expected tags to be an array of non-empty strings, got ${describe(tags)}`);
  }
  return tags as string[];
}

/** What runmeter's own hosts of a run (`runmeter record --stdio`) tell startRun about the program it records for. */
export interface StartInternals {
  /** The process whose usage logSystemMetrics records as the job's. */
  jobPid?: number;
  /** Sample system metrics from the start. */
  sampleSystem?: boolean;
  /** The program's command line and working directory, recorded as the run's. */
  command?: string[];
  cwd?: string;
  /** Says a problem to the user (default: a process warning). */
  warn?: (message: string) => void;
}

/** How long a program started by `runmeter run` waits for the agent to create its run (the agent does it beside the job). */
const ATTACH_WAIT_MS = 5000;

/**
 * The run `runmeter run` is recording, once it exists; undefined when it does not appear in time, the runmeter
 * process that would create it (RUNMETER_AGENT_PID) is gone (an id left over in a shell's environment), or the store
 * cannot be read.
 */
async function waitForRun(sink: StoreSink, id: string, agentPid: number): Promise<RunRecord | undefined> {
  const deadline = Date.now() + ATTACH_WAIT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    let record: RunRecord | undefined;
    try {
      record = await sink.open().getRun(id);
    } catch {
      // A store that cannot be opened or read yet (locked, not there): wait as for a run not created yet.
    }
    if (record !== undefined || Date.now() >= deadline || !(agentPid > 0 && isProcessAlive(agentPid))) return record;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * Starts recording a run, prov4ml's start_run. Inside a job launched by `runmeter run` (RUNMETER_RUN_ID is set)
 * it joins that run instead of creating one, and the agent keeps owning the run's status. Everything is recorded
 * through runmeter's recorder: in order, exactly once, and kept in a spool when the store does not take writes.
 *
 * @example
 * import { startRun, Context } from 'runmeter';
 * const run = await startRun({ name: 'mnist-cnn', experiment: 'mnist', params: { lr: 0.01 } });
 * run.logMetric('loss', 0.7, { context: Context.TRAINING, step: 1 });
 * await run.end();
 *
 * `internal.jobPid`: the process whose usage logSystemMetrics records as the job's (`runmeter record --stdio`: the
 * client's program), instead of this one.
 */
export async function startRun(options: StartRunOptions = {}, internal: StartInternals = {}): Promise<Run> {
  const env = options.env ?? process.env;
  if (options.name !== undefined) checkName('startRun', 'name', options.name);
  if (options.experiment !== undefined) checkName('startRun', 'experiment', options.experiment);
  const tags = checkTags(options.tags);
  const params = paramsFrom('startRun', options.params ?? {});
  const flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs, 1000);
  const flushPoints = Math.ceil(positive('flushPoints', options.flushPoints, 65_536));
  const attachTo = options.attach !== false && env.RUNMETER_RUN_ID ? env.RUNMETER_RUN_ID : undefined;

  const spec = typeof options.store === 'string' ? options.store : undefined;
  const server = serverOf(options, env);
  // Attached, the run lives where the agent records it, whatever the program asked for.
  const store =
    server !== undefined
      ? undefined
      : typeof options.store === 'object'
        ? storeSink(options.store)
        : openSink(attachTo !== undefined ? env.RUNMETER_STORE || spec : spec, env);
  // On a server, every batch is spooled before it is sent: nothing is lost if the program dies while the server is away.
  const sink: PointSink = store ?? new HttpSink(server?.url as string, server?.token);
  const spoolFirst = server !== undefined;
  const warn = (message: string) => process.emitWarning(message, 'RunmeterWarning');
  let record: RunRecord | undefined;
  if (attachTo !== undefined) {
    record = store === undefined ? joinedOnServer(attachTo, options, env) : await waitForRun(store, attachTo, Number(env.RUNMETER_AGENT_PID));
  }
  if (attachTo !== undefined && record === undefined) {
    // The agent could not record its run (it says so on stderr); metering must not stop the training, so record our own.
    warn(`RUNMETER_RUN_ID is ${attachTo}, but ${sink.location} has no such run; recording a new run instead`);
  }
  if (record !== undefined) {
    // Joined: params and tags are added to the agent's run by this program's own recorder.
    // Inside a joined run's agent (run --join), the SDK's series carry that agent's node as the agent's do.
    const node = env.RUNMETER_NODE || undefined;
    const recorder = startRecorder({ sink, runId: record.id, warn, env, spoolFirst, ...(node === undefined ? {} : { node }) });
    if (Object.keys(params).length > 0) recorder.setParams(params);
    const added = tags.filter((tag) => !record?.tags.includes(tag));
    if (added.length > 0) recorder.addTags(added);
    record = { ...record, params: { ...record.params, ...params }, tags: [...record.tags, ...added] };
    return new Run({
      ...runInternals(internal),
      recorder,
      sink: store,
      location: sink.location,
      record,
      attached: true,
      synchronous: options.synchronous === true,
      flushIntervalMs,
      flushPoints,
    });
  }
  const id = newRunId((n) => crypto.getRandomValues(new Uint8Array(n)));
  const agentId = processIdentity(process.pid);
  const run: NewRun & { id: string } = {
    id,
    name: options.name ?? options.experiment ?? path.basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, ''),
    ...(options.experiment === undefined ? {} : { project: options.experiment }),
    command: internal.command ?? [...process.argv],
    cwd: internal.cwd ?? process.cwd(),
    host: os.hostname(),
    user: currentUser(env),
    startTime: Date.now(),
    version,
    agentPid: process.pid,
    ...(agentId === undefined ? {} : { agentId }),
    source: 'sdk',
    params,
    tags,
  };
  const recorder = startRecorder({ sink, runId: id, run, warn, env, spoolFirst });
  const created: RunRecord = { ...run, params, tags, status: 'running' };
  const started = new Run({
    ...runInternals(internal),
    recorder,
    sink: store,
    location: sink.location,
    record: created,
    attached: false,
    synchronous: options.synchronous === true,
    flushIntervalMs,
    flushPoints,
  });
  // The run exists in the store when startRun returns, as before, unless the store does not take writes yet.
  await Promise.race([started.flush(), new Promise((resolve) => setTimeout(resolve, ATTACH_WAIT_MS).unref())]);
  return started;
}

/** The team server to record on: `server` (with `token`), else RUNMETER_SERVER (with RUNMETER_TOKEN) unless a store is given. */
function serverOf(options: StartRunOptions, env: NodeJS.ProcessEnv): { url: string; token?: string } | undefined {
  const url = options.server ?? (options.store === undefined ? env.RUNMETER_SERVER || undefined : undefined);
  if (url === undefined) return undefined;
  if (options.store !== undefined) throw new UsageError('startRun: give store or server, not both: a run is recorded in one place');
  if (!/^https?:\/\//.test(url)) throw new UsageError(`startRun: expected server to be an http:// or https:// URL, got ${describe(url)}`);
  const token = options.token ?? (env.RUNMETER_TOKEN || undefined);
  return token === undefined ? { url } : { url, token };
}

/**
 * The agent's run on a team server, as this program joins it: the server is not asked (it may be away; the batches
 * wait in the spool until it is back), so the record holds what this program knows.
 */
function joinedOnServer(id: string, options: StartRunOptions, env: NodeJS.ProcessEnv): RunRecord {
  return {
    id,
    name: options.name ?? id,
    command: [...process.argv],
    cwd: process.cwd(),
    host: os.hostname(),
    user: currentUser(env),
    startTime: Date.now(),
    version,
    source: 'run',
    params: {},
    tags: [],
    status: 'running',
  };
}

/** The internals the Run itself takes. */
function runInternals(internal: StartInternals): { jobPid?: number; sampleSystem?: boolean; warn?: (message: string) => void } {
  return {
    ...(internal.jobPid === undefined ? {} : { jobPid: internal.jobPid }),
    ...(internal.sampleSystem ? { sampleSystem: true } : {}),
    ...(internal.warn === undefined ? {} : { warn: internal.warn }),
  };
}
