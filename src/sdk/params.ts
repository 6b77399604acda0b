import { UsageError } from '../model/errors.js';
import { encodeValue } from '../model/point.js';
import { checkName, checkRecord, describe } from './validate.js';

/** A param value as stored (JSON): non-finite numbers become "NaN"/"Infinity"/"-Infinity", Dates ISO strings. */
function storedValue(call: string, name: string, value: unknown): unknown {
  if (typeof value === 'number') return encodeValue(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    try {
      // A round trip keeps exactly what JSON can hold and throws on cycles and bigints.
      return JSON.parse(JSON.stringify(value)) as unknown;
    } catch (error) {
      throw new UsageError(`${call}: param "${name}" cannot be stored as JSON: ${(error as Error).message}`);
    }
  }
  throw new UsageError(`${call}: expected param "${name}" to be a number, string, boolean, null, array or object, got ${describe(value)}`);
}

/** Checks params and turns them into what the store keeps; throws before anything is written. */
export function paramsFrom(call: string, record: unknown): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(checkRecord(call, record))) {
    checkName(call, 'each param name', name);
    params[name] = storedValue(call, name, value);
  }
  return params;
}
