import type { Context } from 'hono';
import { RunmeterError } from '../model/errors.js';
import { clip, escapeControl } from '../model/text.js';

/** An API error: an HTTP status, a stable code and a message saying what was expected and what was found. */
export class ApiError extends RunmeterError {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;
  /** With 429 and 503: when to try again, sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: ApiError['status'], code: string, message: string, options: { retryAfterSeconds?: number } = {}) {
    super(code, message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const statusByCode: Record<string, 400 | 404 | 409 | 503> = {
  E_USAGE: 400,
  E_RUN_RUNNING: 409,
  E_RUN_NOT_FOUND: 404,
  E_RUN_AMBIGUOUS: 409,
  // PostgreSQL down or restarting: the client may try again.
  E_STORE_UNAVAILABLE: 503,
};

/**
 * Turns any error into the API's JSON error body: `{ "error": { "code", "message" } }`. An unexpected error's
 * details (which may name files of this machine) go to the server's stderr, not to the client.
 */
export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
    return c.json({ error: { code: error.code, message: error.message } }, error.status);
  }
  if (error instanceof RunmeterError) {
    const status = statusByCode[error.code] ?? 500;
    if (status === 503) c.header('Retry-After', '2');
    return c.json({ error: { code: error.code, message: error.message } }, status);
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `runmeter: internal error answering ${c.req.method} ${escapeControl(clip(new URL(c.req.url).pathname, 200))}: ${escapeControl(detail).replace(/\\n/g, '\n')}\n`,
  );
  return c.json({ error: { code: 'E_INTERNAL', message: 'internal error; the terminal running the server has the details' } }, 500);
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
