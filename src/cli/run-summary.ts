import type { JobResult } from '../agent/run-job.js';
import { encodeValue } from '../model/point.js';

/** `run --json`'s end summary: how the job ended and what was recorded (docs/json.md). */
export function runSummaryJson(result: JobResult, name: string): Record<string, unknown> {
  const summary = result.summary;
  return {
    runId: result.runId,
    name,
    status: result.status,
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    durationMs: result.durationMs,
    points: summary?.points ?? 0,
    metrics: (summary?.metrics ?? []).map((metric) => ({
      name: metric.name,
      last: encodeValue(metric.value),
      ...(metric.step !== undefined ? { step: metric.step } : {}),
      ...(metric.epoch !== undefined ? { epoch: metric.epoch } : {}),
      count: metric.count,
    })),
    stored: summary?.stored === true,
    ...(result.spoolDir ? { spoolDir: result.spoolDir } : {}),
  };
}

/**
 * The stream `stream` as a writer that remembers whether the last byte written ended a line, so a summary written
 * after the job's own stderr starts on a line of its own.
 */
export function lineAwareStream(stream: NodeJS.WritableStream): { stream: NodeJS.WritableStream; atLineStart(): boolean } {
  let atLineStart = true;
  const write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (chunk.length > 0) atLineStart = typeof chunk === 'string' ? chunk.endsWith('\n') : chunk[chunk.length - 1] === 0x0a;
    return (stream.write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
  };
  const proxy = new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { stream: proxy, atLineStart: () => atLineStart };
}
