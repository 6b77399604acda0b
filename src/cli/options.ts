import { UsageError } from '../model/errors.js';

/** Parses a positive number of seconds for a flag, as milliseconds. */
export function secondsOption(flag: string): (value: string) => number {
  return (value) => {
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${flag} expects a number of seconds above 0, got "${value}"`);
    return Math.round(seconds * 1000);
  };
}

/** Parses a positive integer for a flag. */
export function integerOption(flag: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} expects an integer of at least ${min}, got "${value}"`);
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
    return Number(match[1]) * (units[match[2] as string] as number);
  };
}
