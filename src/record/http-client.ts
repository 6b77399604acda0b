import { RunmeterError } from '../model/errors.js';

/** The content type of an encoded batch, as `runmeter server` expects it. */
const BATCH_CONTENT_TYPE = 'application/x-runmeter-batch';

/** Statuses a later try may get past: the server busy, restarting, or its store away for a while. */
const retryableStatuses = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Why a batch did not reach the server. `status` is the HTTP status (undefined when no answer came: refused,
 * unreachable, timed out); `retryAfterSeconds` what the server asked for; `retryable` whether sending the same
 * batch again may succeed (false: the token is refused, or the batch itself is).
 */
export class ServerSendError extends RunmeterError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterSeconds: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(status === undefined ? 'E_SERVER_UNREACHABLE' : 'E_SERVER_REFUSED', message, options);
    this.name = 'ServerSendError';
  }
}

/** Retry-After as seconds: a number of seconds, or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * Sends one encoded batch (model/batch-codec.ts) to `runmeter server`; resolves with whether the server applied
 * it now (false: it had been applied before, so a resend after a lost answer is safe). Throws ServerSendError.
 * @example
 * const { applied } = await postBatch('http://runmeter.internal:8080', process.env.RUNMETER_TOKEN, encodeBatch(batch), { timeoutMs: 30_000 });
 */
export async function postBatch(
  serverUrl: string,
  token: string | undefined,
  bytes: Uint8Array,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ applied: boolean }> {
  const url = new URL('api/v1/batches', serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`).toString();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': BATCH_CONTENT_TYPE, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: bytes,
      signal,
    });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs ?? 30_000} ms` : describeFailure(error);
    throw new ServerSendError(`cannot send a batch to ${url}: ${reason}`, undefined, true, undefined, { cause: error });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (response.ok) throw new ServerSendError(`${url} answered ${response.status} without JSON`, response.status, true, undefined, { cause: error });
  }
  if (response.ok) return { applied: (body as { applied?: unknown })?.applied === true };
  const message = (body as { error?: { message?: unknown } })?.error?.message;
  throw new ServerSendError(
    `${url} refused a batch: ${response.status} ${typeof message === 'string' ? message : response.statusText}`,
    response.status,
    retryableStatuses.has(response.status),
    parseRetryAfter(response.headers.get('retry-after')),
  );
}

/** A fetch failure in a few words: Node puts the socket's error (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
