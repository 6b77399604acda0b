import http from 'node:http';
import https from 'node:https';
import { RunmeterError } from '../model/errors.js';

/** The content type of an encoded batch, as `runmeter server` expects it. */
const BATCH_CONTENT_TYPE = 'application/x-runmeter-batch';

/** Statuses a later try may get past: the server busy, restarting, or its store away for a while. */
const retryableStatuses = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Socket errors of a kept-alive connection the server had just closed: the batch never reached it, so it goes again at once. */
const staleSocketCodes = new Set(['ECONNRESET', 'EPIPE']);

// One kept-alive connection per server, reused batch after batch (idle sockets do not keep the process alive).
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 4 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 4 }) };

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
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

interface Answer {
  status: number;
  statusText: string;
  retryAfter: string | undefined;
  body: Buffer;
}

/**
 * Sends one encoded batch (model/batch-codec.ts) to `runmeter server`; resolves with whether the server applied
 * it now (false: it had been applied before, so a resend after a lost answer is safe). Throws ServerSendError.
 * Uses node:http on a kept-alive connection rather than fetch: loading and running fetch cost a recording agent
 * (and every runner in bench/server.bench.mjs) ~0.2 s of CPU, and copied each body through web streams.
 * @example
 * const { applied } = await postBatch('http://runmeter.internal:8080', process.env.RUNMETER_TOKEN, encodeBatch(batch), { timeoutMs: 30_000 });
 */
export async function postBatch(
  serverUrl: string,
  token: string | undefined,
  bytes: Uint8Array,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ applied: boolean }> {
  const url = new URL('api/v1/batches', serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let answer: Answer;
  try {
    answer = await send(url, token, bytes, timeoutMs, options.signal);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'E_TIMEOUT' ? `no answer within ${timeoutMs} ms` : describeFailure(error);
    throw new ServerSendError(`cannot send a batch to ${url}: ${reason}`, undefined, true, undefined, { cause: error });
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch (error) {
    if (answer.status < 300) throw new ServerSendError(`${url} answered ${answer.status} without JSON`, answer.status, true, undefined, { cause: error });
  }
  if (answer.status >= 200 && answer.status < 300) return { applied: (body as { applied?: unknown })?.applied === true };
  const message = (body as { error?: { message?: unknown } })?.error?.message;
  throw new ServerSendError(
    `${url} refused a batch: ${answer.status} ${typeof message === 'string' ? message : answer.statusText}`,
    answer.status,
    retryableStatuses.has(answer.status),
    parseRetryAfter(answer.retryAfter),
  );
}

/** One POST with its answer read whole; a stale kept-alive connection is replaced once. Rejects on no answer. */
function send(url: URL, token: string | undefined, bytes: Uint8Array, timeoutMs: number, signal: AbortSignal | undefined): Promise<Answer> {
  const agent = url.protocol === 'https:' ? agents['https:'] : url.protocol === 'http:' ? agents['http:'] : undefined;
  if (agent === undefined) return Promise.reject(new Error(`${url.protocol} is not http: or https:`));
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: http.OutgoingHttpHeaders = { 'content-type': BATCH_CONTENT_TYPE, 'content-length': body.byteLength };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let request: http.ClientRequest | undefined;
    const finish = (error: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        request?.destroy();
        reject(error);
      } else resolve(answer as Answer);
    };
    const timer = setTimeout(() => finish(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'E_TIMEOUT' })), timeoutMs);
    const onAbort = () => finish(Object.assign(new Error('the send was abandoned'), { code: 'ABORT_ERR' }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const attempt = (fresh: boolean) => {
      const current = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers, agent: fresh ? false : agent });
      request = current;
      current.on('response', (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          finish(undefined, {
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            retryAfter: headerText(response.headers['retry-after']),
            body: Buffer.concat(parts),
          }),
        );
        response.on('error', (error) => finish(error));
      });
      current.on('error', (error: Error & { code?: string }) => {
        if (settled) return;
        if (!fresh && current.reusedSocket && staleSocketCodes.has(error.code ?? '')) attempt(true);
        else finish(error);
      });
      current.end(body);
    };
    attempt(false);
  });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A send failure in a few words: the socket's error code (ECONNREFUSED, ENOTFOUND, ...) and what it says. */
function describeFailure(error: unknown): string {
  const found = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const cause = found?.code ? found : found?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
