import type { Context } from 'hono';
import { RunmeterError } from '../model/errors.js';

/** An API error: an HTTP status, a stable code and a message saying what was expected and what was found. */
export class ApiError extends RunmeterError {
  readonly status: 400 | 401 | 403 | 404 | 409 | 500;

  constructor(status: ApiError['status'], code: string, message: string) {
    super(code, message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const statusByCode: Record<string, 400 | 404 | 409> = {
  E_USAGE: 400,
  E_RUN_RUNNING: 409,
  E_RUN_NOT_FOUND: 404,
  E_RUN_AMBIGUOUS: 409,
};

/** Turns any error into the API's JSON error body: `{ "error": { "code", "message" } }`. */
export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return c.json({ error: { code: error.code, message: error.message } }, error.status);
  if (error instanceof RunmeterError) return c.json({ error: { code: error.code, message: error.message } }, statusByCode[error.code] ?? 500);
  const message = error instanceof Error ? error.message : String(error);
  return c.json({ error: { code: 'E_INTERNAL', message: `internal error: ${message}` } }, 500);
}

/** Parses an optional numeric query parameter, naming it when it is not a number. */
export function numberParam(c: Context, name: string, options: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  const kind = options.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (options.integer && !Number.isInteger(value))) {
    throw new ApiError(400, 'E_USAGE', `query parameter "${name}" must be ${kind}, got "${raw}"`);
  }
  if (options.min !== undefined && value < options.min)
    throw new ApiError(400, 'E_USAGE', `query parameter "${name}" must be at least ${options.min}, got ${raw}`);
  if (options.max !== undefined && value > options.max)
    throw new ApiError(400, 'E_USAGE', `query parameter "${name}" must be at most ${options.max}, got ${raw}`);
  return value;
}

/** Parses an optional enumerated query parameter, listing the accepted values when it is not one of them. */
export function choiceParam<T extends string>(c: Context, name: string, choices: readonly T[]): T | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ApiError(400, 'E_USAGE', `query parameter "${name}" must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}
