import { UsageError } from '../model/errors.js';

/** The longest interval a flag takes: a day (timers overflow past 24.8 days, and nothing samples that rarely). */
export const MAX_SECONDS = 86_400;

/** Parses a number of seconds from `min` to `max` for a flag, as milliseconds; out of range names the range. */
export function secondsOption(flag: string, range: { min?: number; max?: number } = {}): (value: string) => number {
  const min = range.min ?? 0.01;
  const max = range.max ?? MAX_SECONDS;
  return (value) => {
    const seconds = value.trim() === '' ? Number.NaN : Number(value);
    if (!(seconds >= min && seconds <= max)) throw new UsageError(`${flag} expects a number of seconds from ${min} to ${max}, got "${value}"`);
    return Math.round(seconds * 1000);
  };
}

/** Parses an integer from `min` to `max` for a flag; out of range names the range. */
export function integerOption(flag: string, min = 1, max = 1_000_000_000): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} expects an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** Collects a repeatable flag's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses `KEY=VALUE` pairs; values that read as JSON numbers or booleans become those. */
export function keyValues(flag: string, pairs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects KEY=VALUE, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false)$/.test(raw) ? JSON.parse(raw) : raw;
  }
  return out;
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses an age such as `30d`, `12h`, `90m`, `2w` into milliseconds. */
export function ageOption(flag: string): (value: string) => number {
  return (value) => {
    const match = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(value.trim());
    if (!match) throw new UsageError(`${flag} expects an age such as 30d, 12h, 90m or 2w, got "${value}"`);
    const ms = Number(match[1]) * (units[match[2] as string] as number);
    // Older than a thousand years is older than anything recorded: refuse it rather than compute with it.
    if (ms > 1000 * 365 * 86_400_000) throw new UsageError(`${flag} expects an age up to 1000 years (365000d), got "${value}"`);
    return ms;
  };
}
