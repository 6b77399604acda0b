import { encodeValue, type ParsedMetric } from '../model/point.js';

// Points come in runs of the same name and context: their JSON is kept from the point before.
let lastName = '';
let lastNameJson = '""';
let lastContext = '';
let lastContextJson = '""';

/**
 * A point as one line of `runmeter parse --jsonl` (DESIGN.md's contract): `name`, `value` (a number, or "NaN",
 * "Infinity", "-Infinity"), then where known `step`, `epoch`, `context`, `rank`, `timestamp` (ms), and `line`, `format`.
 */
export function encodeMetricJson(metric: ParsedMetric): string {
  if (metric.name !== lastName) {
    lastName = metric.name;
    lastNameJson = JSON.stringify(metric.name);
  }
  // JSON.stringify writes a double as String() does, without filling V8's number-string cache: that cache keeps
  // every string it made alive into the old generation, and the heap grows with the points printed.
  const value = Number.isFinite(metric.value) ? JSON.stringify(metric.value) : `"${encodeValue(metric.value)}"`;
  let json = `{"name":${lastNameJson},"value":${value}`;
  if (metric.step !== undefined) json += `,"step":${metric.step}`;
  if (metric.epoch !== undefined) json += `,"epoch":${JSON.stringify(metric.epoch)}`;
  if (metric.context !== undefined) {
    if (metric.context !== lastContext) {
      lastContext = metric.context;
      lastContextJson = JSON.stringify(metric.context);
    }
    json += `,"context":${lastContextJson}`;
  }
  if (metric.rank !== undefined) json += `,"rank":${metric.rank}`;
  if (metric.timestamp !== undefined) json += `,"timestamp":${metric.timestamp}`;
  return `${json},"line":${metric.line},"format":"${metric.format}"}`;
}
