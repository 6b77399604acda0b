import { UsageError } from '../model/errors.js';

// Checking the sizes callers give (a batch, a dataset's samples) and saying what was wrong with one.

/** A value as an error message shows it: `1.5`, `"8"`, `null`, `an object without ...`. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
  return String(value);
}

/** `size` when it is a positive integer; else a UsageError saying what it got. */
export function samples(what: string, size: unknown, got = shown(size)): number {
  if (typeof size === 'number' && Number.isSafeInteger(size) && size > 0) return size;
  throw new UsageError(`${what}: expected a positive integer number of samples, got ${got}`);
}
