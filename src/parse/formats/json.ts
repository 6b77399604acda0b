// FloydHub's JSON protocol: `{"metric": "accuracy", "value": 0.985, "step": 3}`, with optional `epoch`, `context` and
// `timestamp`. Python's json.dumps writes NaN and ±Infinity bare, which JSON.parse refuses: they are read too.
import type { ParsedMetric } from '../../model/point.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';
import { entryAsJson, type PythonDictEntry } from './python-dict.js';

const sentinel = '\u0000runmeter:';
const bareNumbers: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** JSON text with bare NaN/Infinity/-Infinity (outside strings) turned into sentinel strings, or undefined if it has none. */
function quoteBareNumbers(text: string): string | undefined {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x4e || c === 0x49 || c === 0x2d) {
      const word = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('-Infinity', i) ? '-Infinity' : '';
      if (word === '') continue;
      out += `${text.slice(last, i)}"\\u0000runmeter:${word}"`;
      i += word.length - 1;
      last = i + 1;
    }
  }
  return last === 0 ? undefined : out + text.slice(last);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const quoted = quoteBareNumbers(text);
    if (quoted === undefined) return undefined;
    try {
      return JSON.parse(quoted, (_key, value) => (typeof value === 'string' && value.startsWith(sentinel) ? bareNumbers[value.slice(sentinel.length)] : value));
    } catch {
      return undefined;
    }
  }
}

/** How a JSON value reads in a message: `a string ("0.5")`, `null`, `an array`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return String(value);
}

/** The last time a JS date can hold (ms): year 275760. */
const MAX_TIME = 8.64e15;

/** A timestamp field as ms: seconds since the epoch (Python's time.time()), ms, or an ISO date. */
function readTimestamp(value: unknown): number | undefined {
  // Below 1e11 (the year 5138 in seconds, 1973 in ms) a number is seconds.
  if (typeof value === 'number' && value >= 0 && value <= MAX_TIME) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Why a metric object is rejected, or the point it gives. */
function readMetricObject(object: Record<string, unknown>, at: LineContext): ParsedMetric | string {
  const { metric: name, value, step, epoch, context, timestamp } = object;
  if (typeof name !== 'string' || name.trim() === '') {
    return name === undefined ? 'no "metric" name' : `"metric" must be a non-empty name, found ${describe(name)}`;
  }
  if (typeof value !== 'number')
    return value === undefined ? `metric "${name}" has no "value"` : `"value" of "${name}" must be a number, found ${describe(value)}`;
  if (step !== undefined && !(typeof step === 'number' && Number.isInteger(step))) return `"step" of "${name}" must be an integer, found ${describe(step)}`;
  if (step !== undefined && !Number.isSafeInteger(step))
    return `"step" of "${name}" must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER} (a double holds no larger one exactly), found ${describe(step)}`;
  if (epoch !== undefined && !(typeof epoch === 'number' && Number.isFinite(epoch))) return `"epoch" of "${name}" must be a number, found ${describe(epoch)}`;
  if (context !== undefined && typeof context !== 'string') return `"context" of "${name}" must be a string, found ${describe(context)}`;
  const time = timestamp === undefined ? undefined : readTimestamp(timestamp);
  if (timestamp !== undefined && time === undefined)
    return `"timestamp" of "${name}" must be seconds or milliseconds since 1970, or an ISO date, found ${describe(timestamp)}`;
  return jsonPoint(
    at,
    name,
    value,
    step as number | undefined,
    epoch as number | undefined,
    context === '' ? undefined : (context as string | undefined),
    time,
  );
}

/** The point of a valid metric object. */
export function jsonPoint(
  at: LineContext,
  name: string,
  value: number,
  step: number | undefined,
  epoch: number | undefined,
  context: string | undefined,
  time: number | undefined,
): ParsedMetric {
  const point = metricOn(at, 'json', name, value, context);
  if (step !== undefined) point.step = step;
  if (epoch !== undefined) {
    point.epoch = epoch;
    // As on FloydHub, the epoch is the step when there is no step.
    if (step === undefined && Number.isSafeInteger(epoch)) point.step = epoch;
  }
  if (time !== undefined) point.timestamp = time;
  return point;
}

/**
 * Reads a `{"metric": ..., "value": ...}` line. True when the line was a metric object, accepted or rejected
 * (with a warning); false when it is some other JSON or not JSON, for other formats to try.
 */
export function parseJsonMetricLine(text: string, at: LineContext, out: MetricOutput): boolean {
  const parsed = parseJson(text);
  if (parsed === undefined) {
    if (!text.includes('"metric"')) return false;
    out.warning(at.line, 'rejected: starts like a {"metric": ..., "value": ...} line but is not valid JSON');
    return true;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const object = parsed as Record<string, unknown>;
  if (!('metric' in object) && !('value' in object)) return false;
  emitMetricObject(object, at, out);
  return true;
}

/** Reads a metric object printed as a Python dict (`{'metric': 'loss', 'value': 0.5}`), as its JSON form is read. */
export function parsePythonMetricObject(entries: readonly PythonDictEntry[], at: LineContext, out: MetricOutput): void {
  // No prototype: a `__proto__` key is a key like any other.
  const object: Record<string, unknown> = Object.create(null);
  for (const entry of entries) object[entry.key] = entryAsJson(entry);
  emitMetricObject(object, at, out);
}

function emitMetricObject(object: Record<string, unknown>, at: LineContext, out: MetricOutput): void {
  const point = readMetricObject(object, at);
  if (typeof point === 'string') out.warning(at.line, `rejected: ${point}`);
  else out.metric(point);
}
