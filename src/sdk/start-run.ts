import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { Run as RunRecord } from '../model/run.js';
import { isProcessAlive, processIdentity } from '../store/agent-process.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { version } from '../version.js';
import type { StartRunOptions } from './options.js';
import { paramsFrom } from './params.js';
import { Run } from './run.js';
import { checkName, describe } from './validate.js';

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to what the shell says.
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** This process's identity beyond its pid, so that a reused pid does not keep a dead run looking alive. */
function agentIdentity(): { agentId?: string } {
  const id = processIdentity(process.pid);
  return id === undefined ? {} : { agentId: id };
}

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

/** How long a program started by `runmeter run` waits for the agent to create its run (the agent does it beside the job). */
const ATTACH_WAIT_MS = 5000;

/**
 * The run `runmeter run` is recording, once it exists; undefined when it does not appear in time or the runmeter
 * process that would create it (RUNMETER_AGENT_PID) is gone, as with an id left over in a shell's environment.
 */
async function waitForRun(store: Store, id: string, agentPid: number): Promise<RunRecord | undefined> {
  const deadline = Date.now() + ATTACH_WAIT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const record = await store.getRun(id);
    if (record !== undefined || Date.now() >= deadline || !(agentPid > 0 && isProcessAlive(agentPid))) return record;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** The run `runmeter run` recorded, with params and tags added; undefined when the store has no such run. */
async function attachedRun(store: Store, id: string, agentPid: number, tags: string[], params: Record<string, unknown>): Promise<RunRecord | undefined> {
  const record = await waitForRun(store, id, agentPid);
  if (record === undefined) return undefined;
  if (Object.keys(params).length > 0) await store.setParams(id, params);
  const added = tags.filter((tag) => !record.tags.includes(tag));
  if (added.length > 0) await store.updateRun(id, { tags: [...record.tags, ...added] });
  return { ...record, params: { ...record.params, ...params }, tags: [...record.tags, ...added] };
}

/**
 * Starts recording a run, prov4ml's start_run. Inside a job launched by `runmeter run` (RUNMETER_RUN_ID is set)
 * it joins that run instead of creating one, and the agent keeps owning the run's status.
 *
 * @example
 * import { startRun, Context } from 'runmeter';
 * const run = await startRun({ name: 'mnist-cnn', experiment: 'mnist', params: { lr: 0.01 } });
 * run.logMetric('loss', 0.7, { context: Context.TRAINING, step: 1 });
 * await run.end();
 */
export async function startRun(options: StartRunOptions = {}): Promise<Run> {
  const env = options.env ?? process.env;
  if (options.name !== undefined) checkName('startRun', 'name', options.name);
  if (options.experiment !== undefined) checkName('startRun', 'experiment', options.experiment);
  const tags = checkTags(options.tags);
  const params = paramsFrom('startRun', options.params ?? {});
  const flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs, 1000);
  const flushPoints = Math.ceil(positive('flushPoints', options.flushPoints, 65_536));
  const attachTo = options.attach !== false && env.RUNMETER_RUN_ID ? env.RUNMETER_RUN_ID : undefined;

  const ownsStore = typeof options.store !== 'object';
  const spec = typeof options.store === 'string' ? options.store : undefined;
  // Attached, the run lives where the agent records it, whatever the program asked for.
  const store = typeof options.store === 'object' ? options.store : openStore(attachTo !== undefined ? env.RUNMETER_STORE || spec : spec, env);
  try {
    let record = attachTo === undefined ? undefined : await attachedRun(store, attachTo, Number(env.RUNMETER_AGENT_PID), tags, params);
    if (attachTo !== undefined && record === undefined) {
      // The agent could not record its run (it says so on stderr); metering must not stop the training, so record our own.
      process.emitWarning(`RUNMETER_RUN_ID is ${attachTo}, but ${store.location} has no such run; recording a new run instead`, 'RunmeterWarning');
    }
    const attached = record !== undefined;
    record ??= await store.createRun({
      name: options.name ?? options.experiment ?? path.basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, ''),
      ...(options.experiment === undefined ? {} : { project: options.experiment }),
      command: [...process.argv],
      cwd: process.cwd(),
      host: os.hostname(),
      user: currentUser(env),
      startTime: Date.now(),
      version,
      agentPid: process.pid,
      ...agentIdentity(),
      source: 'sdk',
      params,
      tags,
    });
    return new Run({ store, ownsStore, record, attached, synchronous: options.synchronous === true, flushIntervalMs, flushPoints });
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
}
