// `runmeter parse`: streams a log through the parsers and prints the points, as JSON Lines or as a summary.
import { once } from 'node:events';
import { formatValue } from '../model/format.js';
import type { ParsedMetric } from '../model/point.js';
import { createOutputParser, encodeMetricJson, type ParseOptions, type ParseWarning } from '../parse/index.js';
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

/** Writes, waiting when the stream asks to (a slow pipe must not make memory grow). */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text !== '' && !stream.write(text)) await once(stream, 'drain');
}

/** Reads `input` to its end, parsing as it goes; points and warnings go to `stdout` and `stderr`. */
export async function parseLog(
  input: AsyncIterable<Buffer | string>,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  options: ParseLogOptions,
): Promise<ParseLogResult> {
  const result: ParseLogResult = { points: 0, warnings: 0, bytes: 0 };
  const series = new Map<string, SeriesStats>();
  let otherPoints = 0;
  let out = '';
  let errors = '';
  const onMetric = options.jsonl
    ? (metric: ParsedMetric) => {
        result.points++;
        out += `${encodeMetricJson(metric)}\n`;
      }
    : (metric: ParsedMetric) => {
        result.points++;
        if (!summarise(series, metric)) otherPoints++;
      };
  const onWarning = (warning: ParseWarning) => {
    if (++result.warnings <= MAX_WARNINGS) errors += `${options.label}:${warning.line}: ${warning.message}\n`;
  };
  const parser = createOutputParser({ metric: onMetric, warning: onWarning }, options.parse);
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    result.bytes += bytes.length;
    parser.push(bytes);
    if (errors !== '') await write(stderr, errors);
    errors = '';
    await write(stdout, out);
    out = '';
  }
  parser.end();
  if (result.warnings > MAX_WARNINGS) errors += `${options.label}: ${result.warnings - MAX_WARNINGS} more warnings not shown\n`;
  await write(stderr, errors);
  await write(stdout, options.jsonl ? out : summaryText(options.label, result, series, otherPoints));
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
  if (result.points === 0) return `${label}: no metrics found${warnings}\n`;
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
  const head = `${label}: ${result.points} points in ${series.size} series${warnings}\n\n`;
  const more = otherPoints > 0 ? `... and ${otherPoints} points of further series\n` : '';
  return head + renderTable(['name', 'context', 'rank', 'points', 'last', 'min', 'max', 'at', 'format'], rows, { rightAlign: [3, 4, 5, 6] }) + more;
}
