// `runmeter parse`: streams a log through the parsers and prints the points, as JSON Lines or as a summary.
import { once } from 'node:events';
import fs from 'node:fs';
import { formatValue } from '../model/format.js';
import type { ParsedMetric } from '../model/point.js';
import { escapeControl } from '../model/text.js';
import { createOutputParser, type ParseOptions, type ParseWarning } from '../parse/index.js';
import { createJsonlPrinter } from '../parse/jsonl-printer.js';
import { renderTable } from './table.js';

/** At most this many warnings are printed; the rest are counted. */
const MAX_WARNINGS = 1000;
/** At most this many series are summarised; points of others are counted. */
const MAX_SERIES = 10_000;

export interface ParseLogOptions {
  /** Where the log comes from, for messages: a file name or `stdin`. */
  label: string;
  jsonl: boolean;
  parse: ParseOptions;
}

export interface ParseLogResult {
  points: number;
  warnings: number;
  bytes: number;
}

interface SeriesStats {
  name: string;
  context: string;
  rank: number | undefined;
  formats: Set<string>;
  count: number;
  last: number;
  min: number;
  max: number;
  lastX: string;
}

/**
 * A file's bytes, a chunk at a time, read synchronously into one buffer: no round trip through the thread pool
 * per chunk, no buffer per chunk. The parsers keep nothing of a chunk once `push` returns, so reusing it is safe;
 * the caller must be done with each chunk before asking for the next.
 */
export async function* fileChunks(fd: number, size = 256 * 1024): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  for (;;) {
    const read = fs.readSync(fd, buf, 0, size, null);
    if (read === 0) return;
    yield buf.subarray(0, read);
  }
}

/** Writes, waiting when the stream asks to (a slow pipe must not make memory grow). */
async function write(stream: NodeJS.WritableStream, text: string | Buffer): Promise<void> {
  if (text.length > 0 && !stream.write(text)) await once(stream, 'drain');
}

/** Reads `input` to its end, parsing as it goes; points and warnings go to `stdout` and `stderr`. */
export async function parseLog(
  input: AsyncIterable<Buffer | string>,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  options: ParseLogOptions,
): Promise<ParseLogResult> {
  const result: ParseLogResult = { points: 0, warnings: 0, bytes: 0 };
  let errors = '';
  const onWarning = (warning: ParseWarning) => {
    if (++result.warnings <= MAX_WARNINGS) errors += `${escapeControl(options.label)}:${warning.line}: ${escapeControl(warning.message)}\n`;
  };
  const series = new Map<string, SeriesStats>();
  let otherPoints = 0;
  const onMetric = (metric: ParsedMetric) => {
    result.points++;
    if (!summarise(series, metric)) otherPoints++;
  };
  const printer = options.jsonl ? createJsonlPrinter(options.parse, onWarning) : undefined;
  const parser = printer === undefined ? createOutputParser({ metric: onMetric, warning: onWarning }, options.parse) : undefined;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    result.bytes += bytes.length;
    const out = printer?.push(bytes);
    parser?.push(bytes);
    if (errors !== '') await write(stderr, errors);
    errors = '';
    if (out !== undefined) await write(stdout, out);
  }
  const out = printer?.end();
  parser?.end();
  if (printer !== undefined) result.points = printer.points;
  if (result.warnings > MAX_WARNINGS) errors += `${options.label}: ${result.warnings - MAX_WARNINGS} more warnings not shown\n`;
  await write(stderr, errors);
  await write(stdout, out ?? summaryText(options.label, result, series, otherPoints));
  return result;
}

function summarise(series: Map<string, SeriesStats>, metric: ParsedMetric): boolean {
  const context = metric.context ?? '';
  const key = `${metric.name}\u001f${context}\u001f${metric.rank ?? ''}`;
  let stats = series.get(key);
  if (stats === undefined) {
    if (series.size >= MAX_SERIES) return false;
    stats = { name: metric.name, context, rank: metric.rank, formats: new Set(), count: 0, last: 0, min: Infinity, max: -Infinity, lastX: '' };
    series.set(key, stats);
  }
  stats.formats.add(metric.format);
  stats.count++;
  stats.last = metric.value;
  if (metric.value < stats.min) stats.min = metric.value;
  if (metric.value > stats.max) stats.max = metric.value;
  stats.lastX = metric.step !== undefined ? `step ${metric.step}` : metric.epoch !== undefined ? `epoch ${metric.epoch}` : `line ${metric.line}`;
  return true;
}

function summaryText(label: string, result: ParseLogResult, series: Map<string, SeriesStats>, otherPoints: number): string {
  const warnings = result.warnings === 0 ? '' : `, ${result.warnings} rejected line${result.warnings === 1 ? '' : 's'} (see above)`;
  if (result.points === 0) return `${escapeControl(label)}: no metrics found${warnings}\n`;
  const rows = [...series.values()].map((s) => [
    s.name,
    s.context,
    s.rank === undefined ? '' : String(s.rank),
    String(s.count),
    formatValue(s.last),
    s.min === Infinity ? '-' : formatValue(s.min),
    s.max === -Infinity ? '-' : formatValue(s.max),
    s.lastX,
    [...s.formats].join(','),
  ]);
  const head = `${escapeControl(label)}: ${result.points} points in ${series.size} series${warnings}\n\n`;
  const more = otherPoints > 0 ? `... and ${otherPoints} points of further series\n` : '';
  return head + renderTable(['name', 'context', 'rank', 'points', 'last', 'min', 'max', 'at', 'format'], rows, { rightAlign: [3, 4, 5, 6] }) + more;
}
