import { encodeValue, type ParsedMetric } from '../model/point.js';
import { jsonString } from '../model/text.js';
import type { FoundMetric } from './formats/line.js';

const isDigitAt = (text: string, at: number) => {
  const c = text.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
};

/** Whether `buf[i]` is an ASCII digit (false past `end`). */
const digitAt = (buf: Uint8Array, i: number, end: number) => i < end && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39;

/** `isJsonNumber` of the text `buf[start, end)` (ASCII), read from its bytes. */
export function isJsonNumberAt(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (i < end && buf[i] === 0x2d) i++;
  if (i < end && buf[i] === 0x30) i++;
  else if (digitAt(buf, i, end)) while (digitAt(buf, i, end)) i++;
  else return false;
  if (i < end && buf[i] === 0x2e) {
    if (!digitAt(buf, ++i, end)) return false;
    while (digitAt(buf, i, end)) i++;
  }
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    const from = i;
    while (digitAt(buf, i, end)) i++;
    if (i === from || i - from > 2) return false;
  }
  return i === end;
}

/**
 * True when `buf[start, end)` is a number printed as String() prints the double nearest to it, so it can be copied
 * in place of String(value): an optional `-`, an integer part without leading zeros, a fraction without trailing
 * zeros, no exponent, at most 15 significant digits (then the shortest digits that read back the same double are
 * these digits), at most 15 integer digits, at most 5 zeros after `0.` (String writes 1e-7 with an exponent), and
 * not -0.
 */
export function isShortestNumberAt(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (i < end && buf[i] === 0x2d) i++;
  const intStart = i;
  while (digitAt(buf, i, end)) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > 15 || (intDigits > 1 && buf[intStart] === 0x30)) return false;
  const zeroInt = intDigits === 1 && buf[intStart] === 0x30;
  if (i === end) return !(zeroInt && intStart > start);
  if (buf[i] !== 0x2e) return false;
  const fracStart = ++i;
  while (digitAt(buf, i, end)) i++;
  if (i !== end || i === fracStart || buf[i - 1] === 0x30) return false;
  let significant = end - fracStart + (zeroInt ? 0 : intDigits);
  if (zeroInt) {
    let zeros = fracStart;
    while (buf[zeros] === 0x30) zeros++;
    if (zeros - fracStart > 5) return false;
    significant -= zeros - fracStart;
  }
  return significant <= 15;
}

/** True when `text` is a JSON number as it stands (strict grammar, no more than two exponent digits, so finite). */
export function isJsonNumber(text: string): boolean {
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  if (text.charCodeAt(i) === 0x30) i++;
  else if (isDigitAt(text, i)) while (isDigitAt(text, i)) i++;
  else return false;
  if (text.charCodeAt(i) === 0x2e) {
    if (!isDigitAt(text, ++i)) return false;
    while (isDigitAt(text, i)) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    const sign = text.charCodeAt(++i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const from = i;
    while (isDigitAt(text, i)) i++;
    if (i === from || i - from > 2) return false;
  }
  return i === text.length;
}

/** A finite value's JSON: the text it was printed with when that is JSON already, else the shortest that reads back the same. */
function valueJson(metric: ParsedMetric): string {
  const text = (metric as FoundMetric).valueText;
  if (text !== undefined && isJsonNumber(text)) return text;
  // JSON.stringify writes -0 as 0.
  if (metric.value === 0 && 1 / metric.value < 0) return '-0';
  // JSON.stringify writes a double as String() does, without filling V8's number-string cache: that cache keeps
  // every string it made alive into the old generation, and the heap grows with the points printed.
  return JSON.stringify(metric.value);
}

// Points come in runs of the same name and context: their JSON is kept from the point before.
let lastName = '';
let lastNameJson = '""';
let lastContext = '';
let lastContextJson = '""';
let lastEpoch = Number.NaN;
let lastEpochJson = '';

/**
 * A point as one line of `runmeter parse --jsonl` (DESIGN.md's contract): `name`, `value` (a number, or "NaN",
 * "Infinity", "-Infinity"), then where known `step`, `epoch`, `context`, `unit`, `rank`, `timestamp` (ms), and `line`, `format`.
 */
export function encodeMetricJson(metric: ParsedMetric): string {
  if (metric.name !== lastName) {
    lastName = metric.name;
    lastNameJson = jsonString(metric.name);
  }
  const value = Number.isFinite(metric.value) ? valueJson(metric) : `"${encodeValue(metric.value)}"`;
  let json = `{"name":${lastNameJson},"value":${value}`;
  if (metric.step !== undefined) json += `,"step":${metric.step}`;
  if (metric.epoch !== undefined) {
    // The points of a line share their epoch: its JSON is kept.
    if (metric.epoch !== lastEpoch) {
      lastEpoch = metric.epoch;
      lastEpochJson = JSON.stringify(metric.epoch);
    }
    json += `,"epoch":${lastEpochJson}`;
  }
  if (metric.context !== undefined) {
    if (metric.context !== lastContext) {
      lastContext = metric.context;
      lastContextJson = jsonString(metric.context);
    }
    json += `,"context":${lastContextJson}`;
  }
  if (metric.unit !== undefined) json += `,"unit":${JSON.stringify(metric.unit)}`;
  if (metric.rank !== undefined) json += `,"rank":${metric.rank}`;
  if (metric.timestamp !== undefined) json += `,"timestamp":${metric.timestamp}`;
  return `${json},"line":${metric.line},"format":"${metric.format}"}`;
}
