// `runmeter import`: records a run from a log written earlier. The log is read as a stream, parsed as `run` would
// have parsed it live, and kept whole as the run's stdout. Points get the line's own timestamp when it has one;
// otherwise a time spread evenly, by position in the file, between the run's start and the file's last change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextFromName } from '../model/context.js';
import { RunmeterError } from '../model/errors.js';
import type { ParsedMetric } from '../model/point.js';
import { type NewRun, newRunId, type Run } from '../model/run.js';
import type { SeriesKey } from '../model/series.js';
import { createOutputParser, type ParseOptions } from '../parse/index.js';
import { currentUser, type PointSink, type Store, startRecorder, storeSink } from '../record/index.js';
import { version } from '../version.js';

export interface ImportOptions {
  /** The run's name; the file's name by default. */
  name?: string;
  /** When the job started (ms). By default the file's creation time when the system keeps it, else its last change. */
  started?: number;
  parse?: ParseOptions;
  /** Called after each chunk of the file is read. */
  onProgress?(bytesRead: number, totalBytes: number): void;
}

export interface ImportResult {
  run: Run;
  points: number;
  series: number;
  bytes: number;
  warnings: number;
}

const POINT_BATCH = 10_000;
const OUTPUT_BATCH = 1 << 20;
/** The file is handed to the parser in at least this many pieces, each ending at a line's end, and each piece's points get the time of its end. */
const TIME_PIECES = 1 << 16;

/** The time range the log's lines are spread over when they carry no timestamp of their own. */
export function importTimeRange(stat: fs.Stats, started: number | undefined): { start: number; end: number } {
  const end = stat.mtimeMs;
  // A log redirected to a file is created when the job starts, and last written when it ends.
  const born = stat.birthtimeMs > 0 && stat.birthtimeMs < end ? stat.birthtimeMs : end;
  const start = started ?? born;
  return { start: Math.round(start), end: Math.round(Math.max(start, end)) };
}

function statLog(file: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RunmeterError('E_FILE', `cannot import ${file}: ${reason}`, { exitCode: 2 });
  }
  if (!stat.isFile())
    throw new RunmeterError('E_FILE', `cannot import ${file}: expected a log file, found a ${stat.isDirectory() ? 'directory' : 'special file'}`, {
      exitCode: 2,
    });
  return stat;
}

/** Where an import records: a store, or a team server's sink (every batch spooled before it is sent). */
export type ImportTarget = Store | { sink: PointSink; spoolFirst: true };

/** Records a run from the log `file` in a store or on a server, with its points and its bytes as the run's stdout. */
export async function importLog(target: ImportTarget, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const store = 'sink' in target ? undefined : target;
  const stat = statLog(file);
  const { start, end } = importTimeRange(stat, options.started);
  const newRun: NewRun & { id: string } = {
    id: newRunId((n) => crypto.getRandomValues(new Uint8Array(n))),
    name: options.name ?? path.basename(file),
    command: ['import', file],
    cwd: process.cwd(),
    host: os.hostname(),
    user: currentUser(),
    startTime: start,
    endTime: end,
    version,
    source: 'import',
    status: 'running',
  };
  // The same recording path as `run` and the SDK: batches in order, each applied exactly once.
  let problem: string | undefined;
  const sink = store === undefined ? (target as { sink: PointSink }).sink : storeSink(store);
  const recorder = startRecorder({ sink, runId: newRun.id, run: newRun, warn: (message) => (problem ??= message), spoolFirst: store === undefined });
  const seriesSeen = new Set<string>();
  const result: ImportResult = { run: { ...newRun, params: {}, tags: [], status: 'running' }, points: 0, series: 0, bytes: 0, warnings: 0 };
  let now = start;
  let lastTime = end;
  const record = (metric: ParsedMetric) => {
    const series: SeriesKey = { name: metric.name, kind: 'training', context: metric.context ?? contextFromName(metric.name) };
    if (metric.rank !== undefined) series.rank = metric.rank;
    const time = metric.timestamp ?? now;
    if (time > lastTime) lastTime = time;
    recorder.point(series, time, metric.step, metric.epoch, metric.value);
    result.points++;
    if (seriesSeen.size < 100_000) seriesSeen.add(`${series.name}\u001f${series.context}\u001f${series.rank ?? ''}`);
  };
  const parser = createOutputParser({ metric: record, warning: () => result.warnings++ }, options.parse);
  let outputBytes = 0;
  // Without timestamps in the log, a line's place in the file stands for its place in the run: a file under 64 KiB
  // goes to the parser line by line, a larger one in pieces of size/65536 bytes or so (cut at line ends).
  const pieceBytes = Math.max(1, Math.ceil(stat.size / TIME_PIECES));
  const timeAt = (offset: number) => (stat.size > 0 ? Math.round(start + ((end - start) * Math.min(offset, stat.size)) / stat.size) : end);
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      for (let from = 0; from < chunk.length; ) {
        const newline = chunk.indexOf(0x0a, Math.min(from + pieceBytes, chunk.length) - 1);
        const to = newline < 0 ? chunk.length : newline + 1;
        now = timeAt(result.bytes + to);
        parser.push(chunk.subarray(from, to));
        from = to;
      }
      recorder.outputPiece({ stream: 'stdout', offset: result.bytes, length: chunk.length, time: now, bytes: chunk });
      result.bytes += chunk.length;
      outputBytes += chunk.length;
      // Waiting for each batch to be stored keeps memory bounded on a log of any size.
      if (outputBytes >= OUTPUT_BATCH || recorder.pending >= POINT_BATCH) {
        outputBytes = 0;
        await recorder.flush();
      }
      options.onProgress?.(result.bytes, stat.size);
    }
    parser.end();
    recorder.updateRun({ status: 'succeeded', endTime: Math.max(end, lastTime) });
  } catch (error) {
    recorder.updateRun({ status: 'failed', reason: `import stopped: ${(error as Error).message}`, endTime: now });
    await recorder.close(5000);
    throw new RunmeterError('E_IMPORT', `cannot import ${file}: ${(error as Error).message}`, { cause: error });
  }
  const left = await recorder.close(5000);
  if (left.spoolDir !== undefined)
    throw new RunmeterError(
      'E_IMPORT',
      `cannot import ${file}: ${problem ?? `${sink.location} did not take writes`}; what was read waits in ${left.spoolDir} (runmeter sync)`,
    );
  result.series = seriesSeen.size;
  result.run = (await store?.getRun(newRun.id)) ?? { ...result.run, status: 'succeeded', endTime: Math.max(end, lastTime) };
  return result;
}
