import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ColumnsBuilder, columnsOf } from '../model/columns.js';
import { contextFromName } from '../model/context.js';
import type { ParsedMetric, SeriesPoint } from '../model/point.js';
import type { RunUpdate } from '../model/run.js';
import type { SeriesKey } from '../model/series.js';
import { createOutputParser } from '../parse/index.js';
import type { OutputParser } from '../parse/types.js';
import { describeMachine } from '../sample/index.js';
import { isAgentAlive } from '../store/agent-process.js';
import { openStore } from '../store/open.js';
import type { OutputChunk, OutputStream, Store } from '../store/store.js';
import type { FromWorker, OutputEntry, RecordingSummary, ToWorker, WorkerConfig } from './messages.js';
import { gitState } from './metadata.js';
import { FallbackSink, ResilientSink } from './resilient-sink.js';
import { StoreSink } from './sink.js';

// The ingest worker: creates the run in the store, parses the job's output and writes points and the output index,
// all off the thread that drains the job's pipes (a store that is slow or locked must never hold the job up). It
// reads the output back from the run's files, so its queue holds ranges, not bytes.

const config = workerData as WorkerConfig;
const port = parentPort;
if (port === null) throw new Error('ingest-worker must run as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const warned = new Set<string>();
const warnOnce = (message: string) => {
  if (warned.has(message)) return;
  warned.add(message);
  post({ type: 'warning', message });
};

const fallback = new FallbackSink(path.join(config.fallbackDir, 'points.jsonl'));

/** Opens the store and creates the run there; tells the main thread which it is. Never throws. */
async function createRun(): Promise<Store | undefined> {
  let opened: Store | undefined;
  try {
    opened = openStore(config.storeSpec);
    await opened.markLostRuns(config.run.host, isAgentAlive).catch(() => []);
    await opened.createRun(config.run);
    post({ type: 'recording', location: opened.location });
    return opened;
  } catch (error) {
    post({ type: 'recording', location: undefined });
    warnOnce(`cannot record this run in the store (${(error as Error).message}); the job runs, and its output and metrics are kept in ${config.fallbackDir}`);
    void opened?.close().catch(() => {});
    return undefined;
  }
}

// Messages from the main thread queue meanwhile: nothing is lost while a busy store makes this wait.
const store = await createRun();
const sink = new ResilientSink(store === undefined ? undefined : new StoreSink(store, config.runId), fallback, warnOnce);

/** What takes a moment to find out (git state, the machine and its GPUs); the final update waits for it, briefly. */
const described: Promise<RunUpdate> = Promise.all([
  gitState(config.cwd).catch(() => undefined),
  config.describeMachine ? describeMachine().catch(() => undefined) : undefined,
]).then(([git, system]) => {
  const update: RunUpdate = {};
  if (git) Object.assign(update, { gitCommit: git.commit, gitDirty: git.dirty });
  if (system) update.system = system;
  if (store !== undefined && Object.keys(update).length > 0) void store.updateRun(config.runId, update).catch(() => {});
  return update;
});

/** Points from the main thread (system samples), and series with parsed points, since the last flush. */
const pendingSamples: SeriesPoint[] = [];
let active: ColumnsBuilder[] = [];
let pendingCount = 0;
const pendingIndex: OutputChunk[] = [];
const metrics = new Map<string, MetricSummary>();
let pointCount = 0;
let arrival = 0;

type MetricSummary = RecordingSummary['metrics'][number];

/** A series the parsers found: its key (one object, so that the store looks its id up by identity), its points since the last flush, and the summary of its name. */
interface SeriesEntry {
  builder: ColumnsBuilder;
  summary: MetricSummary | undefined;
}

const seriesEntries = new Map<string, Map<string | undefined, Map<number | undefined, SeriesEntry>>>();
let seriesEntryCount = 0;
/** The entry each name had last, with its context and rank: nearly every point finds its series here in one lookup. */
const lastEntries = new Map<string, { context: string | undefined; rank: number | undefined; entry: SeriesEntry }>();

function seriesOf(metric: ParsedMetric): SeriesEntry {
  const last = lastEntries.get(metric.name);
  if (last !== undefined && last.context === metric.context && last.rank === metric.rank) return last.entry;
  const entry = findSeries(metric);
  lastEntries.set(metric.name, { context: metric.context, rank: metric.rank, entry });
  return entry;
}

function findSeries(metric: ParsedMetric): SeriesEntry {
  let byContext = seriesEntries.get(metric.name);
  if (byContext === undefined) {
    byContext = new Map();
    seriesEntries.set(metric.name, byContext);
  }
  let byRank = byContext.get(metric.context);
  if (byRank === undefined) {
    byRank = new Map();
    byContext.set(metric.context, byRank);
  }
  let entry = byRank.get(metric.rank);
  if (entry === undefined) {
    const key: SeriesKey = { name: metric.name, kind: 'training', context: metric.context ?? contextFromName(metric.name) };
    if (metric.rank !== undefined) key.rank = metric.rank;
    // A log with endless distinct names must not grow this without bound.
    if (++seriesEntryCount > 100_000) {
      seriesEntries.clear();
      lastEntries.clear();
      seriesEntryCount = 0;
    }
    let summary = metrics.get(metric.name);
    if (summary === undefined && metrics.size < 10_000) {
      summary = { name: metric.name, value: metric.value, count: 0 };
      metrics.set(metric.name, summary);
    }
    entry = { builder: new ColumnsBuilder(key), summary };
    byRank.set(metric.rank, entry);
  }
  return entry;
}

function record(metric: ParsedMetric): void {
  const { builder, summary } = seriesOf(metric);
  if (builder.n === 0) active.push(builder);
  builder.add(metric.timestamp ?? arrival, metric.step, metric.epoch, metric.value);
  pendingCount++;
  pointCount++;
  if (summary !== undefined) {
    summary.value = metric.value;
    summary.count++;
    if (metric.step !== undefined) summary.step = metric.step;
    if (metric.epoch !== undefined) summary.epoch = metric.epoch;
  }
}

const parsers: Record<OutputStream, OutputParser> = {
  stdout: createOutputParser({ metric: record, warning: (w) => warnOnce(`stdout line ${w.line}: ${w.message}`) }, config.parse),
  stderr: createOutputParser({ metric: record, warning: (w) => warnOnce(`stderr line ${w.line}: ${w.message}`) }, config.parse),
};
/** Where each stream is read back from, and its open descriptor: the recorder may move a stream to the fallback folder. */
const files: Record<OutputStream, { path: string; fd: number | undefined }> = {
  stdout: { path: config.files.stdout, fd: undefined },
  stderr: { path: config.files.stderr, fd: undefined },
};

/** One read buffer, reused: parsers copy what they keep of a chunk, so it is free again after each push. */
let readBuffer = Buffer.allocUnsafe(1 << 20);

function readRange(stream: OutputStream, offset: number, length: number): Buffer {
  const file = files[stream];
  file.fd ??= fs.openSync(file.path, 'r');
  const fd = file.fd;
  if (readBuffer.length < length) readBuffer = Buffer.allocUnsafe(length);
  const read = fs.readSync(fd, readBuffer, 0, length, offset);
  return readBuffer.subarray(0, read);
}

/** The stream's output continues in another file (the recorder moved it to the fallback folder). */
function follow(stream: OutputStream, file: string): void {
  const current = files[stream];
  if (current.fd !== undefined) fs.closeSync(current.fd);
  files[stream] = { path: file, fd: undefined };
}

function ingest(entries: OutputEntry[]): void {
  let i = 0;
  while (i < entries.length) {
    const first = entries[i] as OutputEntry;
    if (first.file !== undefined) follow(first.stream, first.file);
    if (first.bytes !== undefined) {
      arrival = first.time;
      parsers[first.stream].push(first.bytes);
      i++;
      continue;
    }
    // Read a run of contiguous entries of one stream at once, then parse each with its own arrival time.
    let j = i + 1;
    let length = first.length;
    while (j < entries.length && length < 1 << 20) {
      const next = entries[j] as OutputEntry;
      if (next.bytes !== undefined || next.file !== undefined || next.stream !== first.stream || next.offset !== first.offset + length) break;
      length += next.length;
      j++;
    }
    let bytes: Buffer;
    try {
      bytes = readRange(first.stream, first.offset, length);
    } catch (error) {
      warnOnce(`cannot read back the job's ${first.stream} (${(error as Error).message}); its metrics are not parsed`);
      i = j;
      continue;
    }
    let at = 0;
    for (let k = i; k < j; k++) {
      const entry = entries[k] as OutputEntry;
      arrival = entry.time;
      parsers[entry.stream].push(bytes.subarray(at, at + entry.length));
      at += entry.length;
    }
    i = j;
  }
  for (const entry of entries) {
    const last = pendingIndex[pendingIndex.length - 1];
    if (last && last.stream === entry.stream && last.offset + last.length === entry.offset && entry.time - last.time < 1000) last.length += entry.length;
    else pendingIndex.push({ stream: entry.stream, offset: entry.offset, length: entry.length, time: entry.time });
  }
}

/** Writes what is pending; `defer` when more follows at once (a backlog), so the store holds back open chunks. */
async function flush(defer = false): Promise<void> {
  if (!defer) lastFullFlush = Date.now();
  const batches = active.map((builder) => builder.take());
  if (pendingSamples.length > 0) batches.push(...columnsOf(pendingSamples.splice(0)));
  active = [];
  pendingCount = 0;
  const index = pendingIndex.splice(0);
  await sink.write(batches, index, defer);
}

let flushing = Promise.resolve();
let lastFullFlush = Date.now();
const timer = setInterval(() => {
  flushing = flushing.then(() => flush());
}, config.flushMs);

/** Flush by size too: while the worker works through a backlog of messages, its timer does not get to run. */
const FLUSH_POINTS = 10_000;
/**
 * While it works through a backlog, the open chunks and summaries are written this often: each such write
 * rewrites every open chunk, and a flood of output is still seen live at two updates a second.
 */
const BACKLOG_FLUSH_MS = 500;

port.on('message', (message: ToWorker) => {
  if (message.type === 'output') {
    ingest(message.entries);
    if (pendingCount >= FLUSH_POINTS || pendingIndex.length >= 1000) {
      // A full flush at least every BACKLOG_FLUSH_MS, so that a long backlog still shows up live.
      const defer = Date.now() - lastFullFlush < BACKLOG_FLUSH_MS;
      flushing = flushing.then(() => flush(defer));
    }
  } else if (message.type === 'points') pendingSamples.push(...message.points);
  else if (message.type === 'end') {
    clearInterval(timer);
    parsers.stdout.end();
    parsers.stderr.end();
    flushing = flushing.then(() => flush()).then(() => finish(message.update, message.files));
  }
});

/** How long the end of a run waits for git and the machine's description before it closes the store without them. */
const DESCRIBE_WAIT_MS = 3000;

/** Records how the run ended (in the store, or in run.json beside the fallback files), then reports to the main thread. */
async function finish(update: RunUpdate, outputFiles: Record<OutputStream, string>): Promise<void> {
  let waited: NodeJS.Timeout | undefined;
  const description = await Promise.race([
    described,
    new Promise<RunUpdate>((resolve) => {
      waited = setTimeout(() => resolve({}), DESCRIBE_WAIT_MS);
    }),
  ]);
  clearTimeout(waited);
  if (store !== undefined) {
    try {
      await store.updateRun(config.runId, update);
    } catch (error) {
      warnOnce(`cannot record how the run ended (${(error as Error).message})`);
    }
  } else {
    try {
      const run = { ...config.run, ...description, ...update, status: update.status, files: { ...outputFiles, points: fallback.file } };
      fs.writeFileSync(path.join(config.fallbackDir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
    } catch (error) {
      warnOnce(`cannot write ${path.join(config.fallbackDir, 'run.json')} (${(error as Error).message})`);
    }
  }
  await sink.close();
  for (const file of Object.values(files)) if (file.fd !== undefined) fs.closeSync(file.fd);
  const summary: RecordingSummary = { points: pointCount, metrics: [...metrics.values()], fallbackPoints: fallback.count, stored: store !== undefined };
  if (fallback.count > 0) summary.fallbackFile = fallback.file;
  post({ type: 'done', summary });
}
