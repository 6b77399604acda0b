import { RunmeterError } from '../../model/errors.js';
import { fromWireJson } from './wire.js';

/** Where a command reads a team server, and where each setting came from (for messages). */
export interface RemoteTarget {
  url: string;
  token?: string;
  /** How the server was named: `--server` or `RUNMETER_SERVER`. */
  urlFrom: string;
  /** How the token was given: `--token` or `RUNMETER_TOKEN`; undefined when none was. */
  tokenFrom?: string;
  /** The command reading, for messages (`ls`, `show`, ...). */
  command: string;
  timeoutMs?: number;
}

/** GET requests to the server's store read API, with the token, turning every failure into a RunmeterError. */
export class RemoteClient {
  readonly base: URL;

  constructor(readonly target: RemoteTarget) {
    let base: URL;
    try {
      base = new URL(target.url.endsWith('/') ? target.url : `${target.url}/`);
    } catch {
      throw new RunmeterError('E_USAGE', `${target.urlFrom} expects a server URL such as http://runmeter.internal:8080, got "${target.url}"`, { exitCode: 2 });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new RunmeterError('E_USAGE', `${target.urlFrom} expects an http:// or https:// URL, got "${target.url}"`, { exitCode: 2 });
    }
    base.username = '';
    base.password = '';
    this.base = base;
  }

  /** The server's URL without credentials, for messages. */
  get location(): string {
    return this.base.toString().replace(/\/$/, '');
  }

  /** GETs `path` (relative to /api/v1/store/) and reads the answer as wire JSON. */
  async json<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const response = await this.get(path, query);
    return fromWireJson<T>(await response.text());
  }

  /** GETs `path` and returns the body's bytes, with the response for its headers. */
  async bytes(path: string, query: Record<string, string | number | undefined> = {}): Promise<{ bytes: Uint8Array; response: Response }> {
    const response = await this.get(path, query);
    return { bytes: new Uint8Array(await response.arrayBuffer()), response };
  }

  private async get(path: string, query: Record<string, string | number | undefined>): Promise<Response> {
    const url = new URL(`api/v1/store/${path}`, this.base);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const { token } = this.target;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(this.target.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new RunmeterError(
        'E_SERVER_UNREACHABLE',
        `cannot reach runmeter server ${this.location} (from ${this.target.urlFrom}): ${describeFailure(error)}; is it running, and is the URL right?`,
        { cause: error },
      );
    }
    if (response.ok) return response;
    throw await this.refusal(response);
  }

  /** The error for a refused request: the server's own code and message when it sent one. */
  private async refusal(response: Response): Promise<RunmeterError> {
    let code = 'E_SERVER_REFUSED';
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    const server = `runmeter server ${this.location} (from ${this.target.urlFrom})`;
    if (response.status === 401) {
      const given = this.target.tokenFrom ? `refused the token from ${this.target.tokenFrom}` : 'needs a token and none was given';
      return new RunmeterError(
        'E_SERVER_UNAUTHORIZED',
        `${server} ${given}: pass --token TOKEN or set RUNMETER_TOKEN (runmeter token create NAME --store ... on the server's store makes one)`,
      );
    }
    if (response.status === 404 && code === 'E_NOT_FOUND') {
      return new RunmeterError('E_SERVER_TOO_OLD', `${server} has no store read API (${message}); is it runmeter server of this version?`);
    }
    // The store's own errors (a run not found, ambiguous) read as they do locally.
    if (response.status === 404 || response.status === 409 || response.status === 400) return new RunmeterError(code, message);
    return new RunmeterError(code, `${server} answered ${response.status}: ${message}`);
  }
}

/** A fetch failure in a few words: Node puts the socket's error (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
