// `runmeter import`: records a run from a log written earlier. The log is read as a stream, parsed as `run` would
// have parsed it live, and kept whole as the run's stdout. Points get the line's own timestamp when it has one;
// otherwise a time spread evenly, by position in the file, between the run's start and the file's last change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentUser } from '../agent/metadata.js';
import { contextFromName } from '../model/context.js';
import { RunmeterError } from '../model/errors.js';
import type { ParsedMetric, SeriesPoint } from '../model/point.js';
import type { Run } from '../model/run.js';
import { createOutputParser, type ParseOptions } from '../parse/index.js';
import type { Store } from '../store/store.js';
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

/** Records a run from the log `file` in `store`, with its points and its bytes as the run's stdout. */
export async function importLog(store: Store, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const stat = statLog(file);
  const { start, end } = importTimeRange(stat, options.started);
  const run = await store.createRun({
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
  });
  const result: ImportResult = { run, points: 0, series: 0, bytes: 0, warnings: 0 };
  const points: SeriesPoint[] = [];
  let now = start;
  let lastTime = end;
  const record = (metric: ParsedMetric) => {
    const point: SeriesPoint = {
      series: { name: metric.name, kind: 'training', context: metric.context ?? contextFromName(metric.name) },
      time: metric.timestamp ?? now,
      value: metric.value,
    };
    if (metric.rank !== undefined) point.series.rank = metric.rank;
    if (metric.step !== undefined) point.step = metric.step;
    if (metric.epoch !== undefined) point.epoch = metric.epoch;
    if (point.time > lastTime) lastTime = point.time;
    points.push(point);
    result.points++;
  };
  const parser = createOutputParser({ metric: record, warning: () => result.warnings++ }, options.parse);
  let output: Buffer[] = [];
  let outputBytes = 0;
  const flushOutput = async () => {
    if (outputBytes === 0) return;
    await store.appendOutput(run.id, 'stdout', output.length === 1 ? (output[0] as Buffer) : Buffer.concat(output), now);
    output = [];
    outputBytes = 0;
  };
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
      result.bytes += chunk.length;
      output.push(chunk);
      outputBytes += chunk.length;
      if (outputBytes >= OUTPUT_BATCH) await flushOutput();
      if (points.length >= POINT_BATCH) await store.appendPoints(run.id, points.splice(0));
      options.onProgress?.(result.bytes, stat.size);
    }
    parser.end();
    await flushOutput();
    if (points.length > 0) await store.appendPoints(run.id, points.splice(0));
    await store.updateRun(run.id, { status: 'succeeded', endTime: Math.max(end, lastTime) });
  } catch (error) {
    await store.updateRun(run.id, { status: 'failed', reason: `import stopped: ${(error as Error).message}`, endTime: now }).catch(() => {});
    throw new RunmeterError('E_IMPORT', `cannot import ${file}: ${(error as Error).message}`, { cause: error });
  }
  result.series = (await store.listSeries(run.id)).length;
  result.run = (await store.getRun(run.id)) ?? run;
  return result;
}
