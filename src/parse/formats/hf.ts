// Hugging Face Trainer logs: a Python dict per line, `{'loss': 0.6943, 'grad_norm': nan, 'learning_rate': 4.5e-05,
// 'epoch': 0.25}`; transformers 5 quotes the numbers: `{'loss': '0.6943', ...}`; numpy 2 and torch scalars print as
// `np.float64(0.85)` and `tensor(0.5, device='cuda:0')`. `epoch` is the x value, not a metric.
import { type DictRanges, scanDictLine } from './hf-bytes.js';
import { parsePythonMetricObject } from './json.js';
import { numberValue } from './json-bytes.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';
import type { NameSlots } from './names.js';
import { type PythonDictEntry, readPythonDict } from './python-dict.js';

/**
 * Emits the metrics of a Hugging Face style dict's entries. True when the dict holds metrics: every value is a number,
 * or it has an `epoch` or `step` (as the Trainer's logs do) and its other values (text, booleans, lists) are skipped.
 */
export function parseHfDict(entries: readonly PythonDictEntry[], at: LineContext, out: MetricOutput): boolean {
  let epoch: number | undefined;
  let step: number | undefined;
  let skipped = false;
  for (const { key, number } of entries) {
    if (number === undefined) skipped = true;
    else if (key === 'epoch' && Number.isFinite(number)) epoch = number;
    else if (key === 'step' && Number.isSafeInteger(number)) step = number;
  }
  // Text or booleans in a dict with no x value make it a config or a record, not metrics.
  if (skipped && epoch === undefined && step === undefined) return false;
  for (const { key, number, text } of entries) {
    if (number === undefined || key === 'epoch' || key === 'step' || key.trim() === '') continue;
    const point = metricOn(at, 'hf', key, number, undefined, text);
    if (step !== undefined) point.step = step;
    if (epoch !== undefined) point.epoch = epoch;
    out.metric(point);
  }
  return true;
}

/** Reads a Hugging Face style dict line. True when it was one (and its metrics were emitted). */
export function parseHfDictLine(text: string, at: LineContext, out: MetricOutput): boolean {
  const entries = readPythonDict(text);
  return entries !== undefined && parseHfDict(entries, at, out);
}

/**
 * Reads a line that is a Python dict: a FloydHub metric object when it has a `metric` key (read as its JSON form
 * would be), else Hugging Face metrics. True when it was either.
 */
export function parseDictLine(text: string, at: LineContext, out: MetricOutput, use: { json: boolean; hf: boolean }): boolean {
  const entries = readPythonDict(text);
  if (entries === undefined) return false;
  if (entries.some((entry) => entry.key === 'metric')) {
    if (use.json) parsePythonMetricObject(entries, at, out);
    return use.json;
  }
  return use.hf && parseHfDict(entries, at, out);
}

/** `parseHfDict` of the line `buf[start, end)`, read from its bytes when the dict has the common shape; false otherwise. */
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
