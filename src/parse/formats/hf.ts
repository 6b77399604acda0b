// Hugging Face Trainer logs: a Python dict per line, `{'loss': 0.6943, 'grad_norm': nan, 'learning_rate': 4.5e-05,
// 'epoch': 0.25}`; transformers 5 quotes the numbers: `{'loss': '0.6943', ...}`. `epoch` is the x value, not a metric.
import { parseMetricNumber } from '../number.js';
import { type DictRanges, scanDictLine } from './hf-bytes.js';
import { numberValue } from './json-bytes.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';
import type { NameSlots } from './names.js';

const SPACE = 0x20;
const COMMA = 0x2c;
const CLOSE = 0x7d;

/** Reads a Python string literal at `at` (quote included); returns [text, end] or undefined. */
function readQuoted(text: string, at: number): [string, number] | undefined {
  const quote = text.charCodeAt(at);
  if (quote !== 0x27 && quote !== 0x22) return undefined;
  const end = text.indexOf(quote === 0x27 ? "'" : '"', at + 1);
  if (end < 0) return undefined;
  let escaped = false;
  for (let i = at + 1; i < end && !escaped; i++) escaped = text.charCodeAt(i) === 0x5c;
  if (!escaped) return [text.slice(at + 1, end), end + 1];
  // Escapes: unescape character by character.
  let value = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      value += text[i + 1] ?? '';
      i += 2;
    } else if (c === quote) return [value, i + 1];
    else {
      value += text[i];
      i++;
    }
  }
  return undefined;
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Reads a bare value (number, nan, inf, True, None, ...) up to the next `,` or `}`. */
function readBare(text: string, at: number): [string, number] {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE) break;
  }
  return [text.slice(at, i).trim(), i];
}

/** The dict's entries (key, value, value as printed) when the line is a flat dict of numbers (quoted or not); undefined otherwise. */
function readNumberDict(text: string): Array<[string, number, string]> | undefined {
  if (text.charCodeAt(0) !== 0x7b) return undefined;
  const entries: Array<[string, number, string]> = [];
  let i = skipSpaces(text, 1);
  if (text.charCodeAt(i) === CLOSE) return undefined;
  for (;;) {
    const key = readQuoted(text, i);
    if (key === undefined) return undefined;
    i = skipSpaces(text, key[1]);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpaces(text, i + 1);
    let raw: string;
    const first = text.charCodeAt(i);
    if (first === 0x27 || first === 0x22) {
      const quoted = readQuoted(text, i);
      if (quoted === undefined) return undefined;
      [raw, i] = quoted;
      raw = raw.trim();
    } else [raw, i] = readBare(text, i);
    const value = parseMetricNumber(raw);
    // A dict with text, booleans or nested values in it is a config or a record, not metrics.
    if (value === undefined) return undefined;
    entries.push([key[0], value, raw]);
    i = skipSpaces(text, i);
    const next = text.charCodeAt(i);
    if (next === CLOSE) return skipSpaces(text, i + 1) >= text.trimEnd().length ? entries : undefined;
    if (next !== COMMA) return undefined;
    i = skipSpaces(text, i + 1);
  }
}

/** Reads a Hugging Face style dict line. True when it was one (and its metrics were emitted). */
export function parseHfDictLine(text: string, at: LineContext, out: MetricOutput): boolean {
  const entries = readNumberDict(text);
  if (entries === undefined) return false;
  let epoch: number | undefined;
  let step: number | undefined;
  for (const [key, value] of entries) {
    if (key === 'epoch' && Number.isFinite(value)) epoch = value;
    else if (key === 'step' && Number.isInteger(value)) step = value;
  }
  for (const [key, value, raw] of entries) {
    if (key === 'epoch' || key === 'step' || key.trim() === '') continue;
    const point = metricOn(at, 'hf', key, value, undefined, raw);
    if (step !== undefined) point.step = step;
    if (epoch !== undefined) point.epoch = epoch;
    out.metric(point);
  }
  return true;
}

/** `parseHfDictLine` on the text of `buf[start, end)`, read from its bytes when the dict has the common shape; false otherwise. */
export function parseHfDictBytes(buf: Buffer, start: number, end: number, r: DictRanges, names: NameSlots, at: LineContext, out: MetricOutput): boolean {
  if (!scanDictLine(buf, start, end, r)) return false;
  const spans = r.spans;
  const epoch = r.epoch < 0 ? undefined : numberValue(buf, spans[r.epoch * 4 + 2] as number, spans[r.epoch * 4 + 3] as number);
  const step = r.step < 0 ? undefined : numberValue(buf, spans[r.step * 4 + 2] as number, spans[r.step * 4 + 3] as number);
  for (let e = 0; e < r.count; e++) {
    if (e === r.epoch || e === r.step) continue;
    const k = e * 4;
    const valueStart = spans[k + 2] as number;
    const valueEnd = spans[k + 3] as number;
    const text = out.keepsValueText === true ? buf.toString('latin1', valueStart, valueEnd) : undefined;
    const point = metricOn(at, 'hf', names.name(buf, spans[k] as number, spans[k + 1] as number, e), numberValue(buf, valueStart, valueEnd), undefined, text);
    if (step !== undefined) point.step = step;
    if (epoch !== undefined) point.epoch = epoch;
    out.metric(point);
  }
  return true;
}
