import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ColumnsBuilder, columnsOf } from '../model/columns.js';
import { contextFromName } from '../model/context.js';
import type { ParsedMetric, SeriesPoint } from '../model/point.js';
import type { SeriesKey } from '../model/series.js';
import { createOutputParser } from '../parse/index.js';
import type { OutputParser } from '../parse/types.js';
import { openStore } from '../store/open.js';
import type { OutputChunk, OutputStream } from '../store/store.js';
import type { FromWorker, OutputEntry, RecordingSummary, ToWorker, WorkerConfig } from './messages.js';
import { FallbackSink, ResilientSink } from './resilient-sink.js';
import { type Sink, StoreSink } from './sink.js';

// The ingest worker: parses the job's output and writes points and the output index, off the thread that
// drains the job's pipes. It reads the output back from the run's files, so its queue holds ranges, not bytes.

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
/** Set once the main thread says whether the run exists in the store; until then, writes wait. */
let sink: ResilientSink | undefined;

function startRecording(record: boolean): void {
  let primary: Sink | undefined;
  if (record) {
    try {
      primary = new StoreSink(openStore(config.storeSpec), config.runId);
    } catch (error) {
      warnOnce(`cannot write to the store (${(error as Error).message}); metrics go to ${fallback.file}`);
    }
  }
  sink = new ResilientSink(primary, fallback, warnOnce);
}

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

function seriesOf(metric: ParsedMetric): SeriesEntry {
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
const files: Partial<Record<OutputStream, number>> = {};

/** One read buffer, reused: parsers copy what they keep of a chunk, so it is free again after each push. */
let readBuffer = Buffer.allocUnsafe(1 << 20);

function readRange(stream: OutputStream, offset: number, length: number): Buffer {
  let fd = files[stream];
  if (fd === undefined) {
    fd = fs.openSync(config.files[stream], 'r');
    files[stream] = fd;
  }
  if (readBuffer.length < length) readBuffer = Buffer.allocUnsafe(length);
  const read = fs.readSync(fd, readBuffer, 0, length, offset);
  return readBuffer.subarray(0, read);
}

function ingest(entries: OutputEntry[]): void {
  let i = 0;
  while (i < entries.length) {
    const first = entries[i] as OutputEntry;
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
      if (next.bytes !== undefined || next.stream !== first.stream || next.offset !== first.offset + length) break;
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
  if (sink === undefined) return;
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
  else if (message.type === 'start') startRecording(message.record);
  else if (message.type === 'end') {
    clearInterval(timer);
    parsers.stdout.end();
    parsers.stderr.end();
    flushing = flushing
      .then(() => flush())
      .then(async () => {
        await sink?.close();
        for (const fd of Object.values(files)) fs.closeSync(fd);
        const summary: RecordingSummary = { points: pointCount, metrics: [...metrics.values()], fallbackPoints: fallback.count };
        if (fallback.count > 0) summary.fallbackFile = fallback.file;
        post({ type: 'done', summary });
      });
  }
});
