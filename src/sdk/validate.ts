import { UsageError } from '../model/errors.js';
import type { ArtifactOptions, MetricOptions } from './options.js';

/** How a value looks in an error message: short, and showing its type when that is the problem. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A name for a metric, param, label or context: a non-empty string. `what` names it in the message. */
export function checkName(call: string, what: string, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new UsageError(`${call}: expected ${what} to be a non-empty string, got ${describe(name)}`);
  }
  return name;
}

/** A metric value: any number, NaN and ±Infinity included (they are stored as they are). */
export function checkValue(call: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw new UsageError(`${call}: expected the value of "${name}" to be a number, got ${describe(value)}`);
  return value;
}

/** An optional step, epoch or timestamp: absent, or a finite number. */
export function checkFinite(call: string, what: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UsageError(`${call}: expected ${what} to be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A timestamp: ms since the epoch as a number, or a Date. */
export function checkTimestamp(call: string, value: unknown): number | undefined {
  if (value instanceof Date) return checkFinite(call, 'timestamp', value.getTime());
  return checkFinite(call, 'timestamp (ms since the epoch, or a Date)', value);
}

/** A count such as a batch size or a number of samples: a positive integer. `what` names it in the message. */
export function checkPositiveInteger(call: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new UsageError(`${call}: expected ${what} to be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** The options object of a call: absent, or an object (null, a number or an array is refused). */
export function checkOptions<T extends object>(call: string, options: T | undefined, fields: string): T | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new UsageError(`${call}: expected the options to be an object (${fields}) or left out, got ${describe(options)}`);
  }
  return options;
}

/** A plain object of name → value, as logMetrics and logParams take. */
export function checkRecord(call: string, record: unknown): Record<string, unknown> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new UsageError(`${call}: expected an object of name → value, got ${describe(record)}`);
  }
  return record as Record<string, unknown>;
}

/** The context and time of metric options (checked); the time is now when no timestamp is given. */
export function checkPlace(call: string, options: MetricOptions): { context: string | undefined; time: number } {
  const context = options.context;
  if (context !== undefined) checkName(call, 'the context', context);
  const time = options.timestamp === undefined ? Date.now() : (checkTimestamp(call, options.timestamp) as number);
  return { context, time };
}

/** The context and name of artifact options, checked. */
export function checkArtifactOptions(call: string, options: ArtifactOptions): { context?: string; name?: string } {
  const checked: { context?: string; name?: string } = {};
  if (options.context !== undefined) checked.context = checkName(call, 'the context', options.context);
  if (options.name !== undefined) checked.name = checkName(call, 'the name', options.name);
  return checked;
}
