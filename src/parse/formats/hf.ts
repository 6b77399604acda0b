// Hugging Face Trainer logs: a Python dict per line, `{'loss': 0.6943, 'grad_norm': nan, 'learning_rate': 4.5e-05,
// 'epoch': 0.25}`; transformers 5 quotes the numbers: `{'loss': '0.6943', ...}`. `epoch` is the x value, not a metric.
import { parseMetricNumber } from '../number.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';

/** Reads a Python string literal at `at` (quote included); returns [text, end] or undefined. */
function readQuoted(text: string, at: number): [string, number] | undefined {
  const quote = text[at];
  if (quote !== "'" && quote !== '"') return undefined;
  let i = at + 1;
  let value = '';
  let from = i;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      value += text.slice(from, i) + (text[i + 1] ?? '');
      i += 2;
      from = i;
    } else if (c === quote) return [value + text.slice(from, i), i + 1];
    else i++;
  }
  return undefined;
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (text[i] === ' ') i++;
  return i;
}

/** Reads a bare value (number, nan, inf, True, None, ...) up to the next `,` or `}`. */
function readBare(text: string, at: number): [string, number] {
  let i = at;
  while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
  return [text.slice(at, i).trim(), i];
}

/** The dict's entries when the line is a flat dict of numbers (quoted or not); undefined otherwise. */
function readNumberDict(text: string): Array<[string, number, string]> | undefined {
  if (text[0] !== '{') return undefined;
  const entries: Array<[string, number, string]> = [];
  let i = skipSpaces(text, 1);
  if (text[i] === '}') return undefined;
  for (;;) {
    const key = readQuoted(text, i);
    if (key === undefined) return undefined;
    i = skipSpaces(text, key[1]);
    if (text[i] !== ':') return undefined;
    i = skipSpaces(text, i + 1);
    let raw: string;
    if (text[i] === "'" || text[i] === '"') {
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
    if (text[i] === '}') return skipSpaces(text, i + 1) >= text.trimEnd().length ? entries : undefined;
    if (text[i] !== ',') return undefined;
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
