import type { BatchResult, RecordBatch } from '../model/batch.js';
import { encodeBatch } from '../model/batch-codec.js';
import { RunmeterError } from '../model/errors.js';
import { postBatch, ServerSendError } from './http-client.js';
import type { PointSink } from './sink.js';

export interface HttpSinkOptions {
  /** How long one batch may take to send and be applied, in ms (default 30 s). A batch past it is retried. */
  timeoutMs?: number;
}

/**
 * A sink that ships batches to `runmeter server` (POST /api/v1/batches), which applies each exactly once. Output
 * bytes travel in the batches. A failure rejects with a ServerSendError the BatchQueue reads: `retryable` false for a
 * refusal no resend can change (400, 401, 403, 404, 413), `retryAfterSeconds` when the server said when to come back.
 * @example
 * const sink = new HttpSink('http://runmeter.internal:8080', process.env.RUNMETER_TOKEN);
 * const queue = new BatchQueue(sink, { spool, warn, spoolFirst: true });
 */
export class HttpSink implements PointSink {
  /** The server's URL without credentials. */
  readonly location: string;
  private readonly url: string;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    serverUrl: string,
    private readonly token: string | undefined,
    private readonly options: HttpSinkOptions = {},
  ) {
    this.url = serverBase(serverUrl);
    this.location = this.url.replace(/\/$/, '');
  }

  async write(batch: RecordBatch): Promise<BatchResult> {
    if (this.closed) throw new ServerSendError(`the sink to ${this.location} is closed`, undefined, true, undefined);
    let bytes: Uint8Array;
    try {
      bytes = encodeBatch(batch);
    } catch (error) {
      // A batch that cannot be encoded never will be: not worth a retry.
      throw new ServerSendError(`cannot encode a batch for ${this.location}: ${(error as Error).message}`, undefined, false, undefined, { cause: error });
    }
    const abort = new AbortController();
    this.inFlight.add(abort);
    try {
      return await postBatch(this.url, this.token, bytes, { timeoutMs: this.options.timeoutMs ?? 30_000, signal: abort.signal });
    } catch (error) {
      throw this.withHint(error);
    } finally {
      this.inFlight.delete(abort);
    }
  }

  /** Always undefined: a server keeps output in its store, and the bytes travel in batches. */
  outputFile(): string | undefined {
    return undefined;
  }

  /** Stops sending: requests still in flight are abandoned (the server applies a batch once, so a resend is safe). */
  async close(): Promise<void> {
    this.closed = true;
    for (const abort of this.inFlight) abort.abort();
    this.inFlight.clear();
  }

  /** Says what to do about a refused token, which the user can fix and the queue cannot. */
  private withHint(error: unknown): unknown {
    if (!(error instanceof ServerSendError) || (error.status !== 401 && error.status !== 403)) return error;
    const hint = this.token === undefined ? 'no token was given: set RUNMETER_TOKEN' : 'the token given was refused: check RUNMETER_TOKEN';
    return new ServerSendError(`${error.message} (${hint})`, error.status, false, error.retryAfterSeconds, { cause: error });
  }
}

/** The server's base URL, with a trailing slash and without credentials (fetch refuses URLs that carry them). */
function serverBase(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new RunmeterError('E_USAGE', `a runmeter server URL such as http://runmeter.internal:8080 was expected, got "${serverUrl}"`, { exitCode: 2 });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RunmeterError('E_USAGE', `a runmeter server URL must start with http:// or https://, got "${serverUrl}"`, { exitCode: 2 });
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const text = url.toString();
  return text.endsWith('/') ? text : `${text}/`;
}
