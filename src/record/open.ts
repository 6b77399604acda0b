import os from 'node:os';
import path from 'node:path';
import type { RecordBatch } from '../model/batch.js';
import type { OutputStream } from '../model/output.js';
import type { NewRun } from '../model/run.js';
import type { MemberUpdate } from '../model/run-members.js';
import { processIdentity } from '../store/agent-process.js';
import { runmeterHome, storeLocation } from '../store/location.js';
import { storeFolderProblem } from '../store/make-directory.js';
import { openStore } from '../store/open.js';
import { memberOutputFile } from '../store/sqlite/output-files.js';
import type { Store } from '../store/store.js';
import { BatchQueue } from './batch-queue.js';
import { newProducerId } from './producer.js';
import { Recorder } from './recorder.js';
import { type PointSink, StoreSink } from './sink.js';
import { DEFAULT_SPOOL_BYTES, Spool } from './spool.js';

/** Where spools are made, the first that works: runmeter's home, then a private folder in the temp dir (a read-only home). */
export function spoolBases(env: NodeJS.ProcessEnv = process.env): string[] {
  const uid = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
  const home = runmeterHome(env);
  const temp = path.join(os.tmpdir(), `runmeter-${uid}`, 'spool');
  // A home the store refuses (a link, another user's) is not written through by spools either.
  return storeFolderProblem(home) === undefined ? [path.join(home, 'spool'), temp] : [temp];
}

/** The spec that opens the store `spec` names from any process (the job's SDK, a later command). */
export function resolvedStoreSpec(spec: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const location = storeLocation(spec, env);
  return location.kind === 'postgres' ? location.url : path.resolve(spec ?? (env.RUNMETER_STORE || runmeterHome(env)));
}

/**
 * The sink for a store spec (`--store`, `RUNMETER_STORE`, runmeter's home), opened lazily: a store that cannot be
 * opened yet (locked, not there) is opened on a later write. The output files of a local store are known up front.
 */
export function openSink(spec: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreSink {
  const location = storeLocation(spec, env);
  const filesDir = location.kind === 'sqlite' ? location.filesDir : undefined;
  return new StoreSink({
    location: location.kind === 'sqlite' ? location.dbFile : location.url.replace(/\/\/[^@/]*@/, '//'),
    open: () => openStore(spec, env),
    // Not in a folder the store refuses (a link, another user's): the output then travels in the batches.
    outputFile: (runId: string, stream: OutputStream, member?: string) =>
      filesDir === undefined || storeFolderProblem(filesDir) !== undefined ? undefined : memberOutputFile(path.join(filesDir, 'runs', runId), stream, member),
  });
}

/** A sink over a store the caller opened and keeps (the SDK given a Store, tests). */
export function storeSink(store: Store): StoreSink {
  return new StoreSink(store, false);
}

export interface StartRecorderOptions {
  sink: PointSink;
  runId: string;
  /** The run to create with the first batch; absent when attaching to another recorder's run. */
  run?: NewRun & { id: string };
  warn(message: string): void;
  env?: NodeJS.ProcessEnv;
  /** A member of a joined run (`run --join`): see RecorderOptions.member. */
  member?: MemberUpdate;
  /** The node series without one are labelled with (see RecorderOptions.node). */
  node?: string;
  /** Spool every batch before sending it (the remote sink). */
  spoolFirst?: boolean;
  producer?: string;
  /** Called after each batch the sink applied. */
  onApplied?(batch: RecordBatch): void;
  /** The most the spool may hold, in bytes (default: $RUNMETER_SPOOL_LIMIT_MB, else 1 GB); past it, the oldest output goes. */
  spoolLimitBytes?: number;
}

/** The spool's bound: the option, else $RUNMETER_SPOOL_LIMIT_MB, else 1 GB. */
function spoolLimit(options: StartRecorderOptions): number {
  if (options.spoolLimitBytes !== undefined) return options.spoolLimitBytes;
  const mb = Number((options.env ?? process.env).RUNMETER_SPOOL_LIMIT_MB);
  return mb > 0 ? mb * 1024 * 1024 : DEFAULT_SPOOL_BYTES;
}

/** A recorder for one run, with its queue and spool: the way every producer starts recording. */
export function startRecorder(options: StartRecorderOptions): Recorder {
  const producer = options.producer ?? newProducerId();
  const agentId = processIdentity(process.pid);
  const spool = new Spool(
    spoolBases(options.env),
    {
      runId: options.runId,
      producer,
      location: options.sink.location,
      pid: process.pid,
      ...(agentId === undefined ? {} : { agentId }),
      created: Date.now(),
    },
    { maxBytes: spoolLimit(options), warn: options.warn },
  );
  const queue = new BatchQueue(options.sink, {
    spool,
    warn: options.warn,
    spoolFirst: options.spoolFirst === true,
    ...(options.onApplied ? { onApplied: options.onApplied } : {}),
  });
  return new Recorder(queue, {
    runId: options.runId,
    producer,
    ...(options.run === undefined ? {} : { run: options.run }),
    ...(options.member === undefined ? {} : { member: options.member }),
    ...(options.node === undefined ? {} : { node: options.node }),
  });
}
