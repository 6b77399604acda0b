import { encodeValue, type ParsedMetric } from '../model/point.js';

/**
 * A point as one line of `runmeter parse --jsonl` (DESIGN.md's contract): `name`, `value` (a number, or "NaN",
 * "Infinity", "-Infinity"), then where known `step`, `epoch`, `context`, `rank`, `timestamp` (ms), and `line`, `format`.
 */
export function encodeMetricJson(metric: ParsedMetric): string {
  const value = Number.isFinite(metric.value) ? metric.value : `"${encodeValue(metric.value)}"`;
  let json = `{"name":${JSON.stringify(metric.name)},"value":${value}`;
  if (metric.step !== undefined) json += `,"step":${metric.step}`;
  if (metric.epoch !== undefined) json += `,"epoch":${metric.epoch}`;
  if (metric.context !== undefined) json += `,"context":${JSON.stringify(metric.context)}`;
  if (metric.rank !== undefined) json += `,"rank":${metric.rank}`;
  if (metric.timestamp !== undefined) json += `,"timestamp":${metric.timestamp}`;
  return `${json},"line":${metric.line},"format":"${metric.format}"}`;
}
