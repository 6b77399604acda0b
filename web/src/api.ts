import type {
  CompareResponse,
  LogResponse,
  PointsResponse,
  ProjectsResponse,
  RunChangeRequest,
  RunDeletedResponse,
  RunResponse,
  RunsResponse,
  SeriesDataResponse,
  SeriesListResponse,
  SessionResponse,
} from '../../src/server/api-types.js';

export type { RunStatus } from '../../src/model/run.js';
export type * from '../../src/server/api-types.js';

/** The x axis a chart shows. `relative` is time since the run started; the server is asked for `time`. */
export type XMode = 'time' | 'relative' | 'step' | 'epoch';

/** An API error with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function get<T>(path: string, params: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  const qs = query.toString();
  return request<T>(`/api/v1${path}${qs === '' ? '' : `?${qs}`}`, signal ? { signal } : {});
}

let writeHeaders: () => Record<string, string> = () => ({});

/** Sets where write requests get their token header (session.ts, which reads the token, calls this). */
export function useWriteHeaders(headers: () => Record<string, string>): void {
  writeHeaders = headers;
}

/** A change: JSON in, JSON out, with the write token in its header. */
function send<T>(method: 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...writeHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  return request<T>(`/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(response.status, body.error?.code ?? 'E_HTTP', body.error?.message ?? `${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

const enc = encodeURIComponent;

/** The API, one function per endpoint. */
export const api = {
  runs: (filter: { status?: string; text?: string; project?: string; limit?: number }) => get<RunsResponse>('/runs', filter),
  projects: () => get<ProjectsResponse>('/projects'),
  session: () => get<SessionResponse>('/session'),
  changeRun: (runId: string, change: RunChangeRequest) => send<{ run: RunResponse['run'] }>('PATCH', `/runs/${enc(runId)}`, change),
  deleteRun: (runId: string) => send<RunDeletedResponse>('DELETE', `/runs/${enc(runId)}`),
  compare: (refs: readonly string[]) => get<CompareResponse>('/compare', { runs: refs.join(',') }),
  run: (runId: string) => get<RunResponse>(`/runs/${enc(runId)}`),
  series: (runId: string) => get<SeriesListResponse>(`/runs/${enc(runId)}/series`),
  data: (runId: string, seriesId: number, query: { x: 'time' | 'step' | 'epoch'; from?: number; to?: number; buckets: number }, signal?: AbortSignal) =>
    get<SeriesDataResponse>(`/runs/${enc(runId)}/series/${seriesId}/data`, query, signal),
  points: (runId: string, seriesId: number, from: number, signal?: AbortSignal) =>
    get<PointsResponse>(`/runs/${enc(runId)}/series/${seriesId}/points`, { from }, signal),
  /** A stream's bytes; `node` picks a joined run's node (else its first node's output). */
  logs: (runId: string, stream: 'stdout' | 'stderr', range: { offset?: number; length?: number; tail?: number; node?: string }) =>
    get<LogResponse>(`/runs/${enc(runId)}/logs`, { stream, ...range }),
  exportUrl: (runId: string, format: string) => `/api/v1/runs/${enc(runId)}/export?format=${enc(format)}`,
};
