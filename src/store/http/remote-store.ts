import type { BatchResult } from '../../model/batch.js';
import { RunmeterError } from '../../model/errors.js';
import type { Run } from '../../model/run.js';
import type { SeriesKind } from '../../model/series.js';
import { OutputReadAhead } from '../read-ahead.js';
import type {
  ApiToken,
  Artifact,
  IndexedPoints,
  OutputChunk,
  OutputStream,
  ProjectSummary,
  RunFilter,
  SeriesData,
  SeriesQuery,
  SeriesSummary,
  Store,
  StoreChanges,
} from '../store.js';
import { RemoteClient, type RemoteTarget } from './remote-client.js';
import { decodePoints, STORE_PAGE } from './wire.js';

/**
 * The runs of a team server (`runmeter server`), read over its store API with the user's token, as a read-only
 * Store: `ls`, `show`, `logs` and `export` work on it unchanged. Every read is paged, so a huge run costs neither
 * side more than a page of memory at a time. Writes throw E_REMOTE_READ_ONLY: recorders ship to the server through
 * the remote sink, and changes (rm, gc) run where the store is.
 */
export class RemoteStore implements Store {
  readonly location: string;
  private readonly client: RemoteClient;
  private readonly readAhead = new OutputReadAhead(STORE_PAGE.bytes);

  constructor(readonly target: RemoteTarget) {
    this.client = new RemoteClient(target);
    this.location = this.client.location;
  }

  async getRun(id: string): Promise<Run | undefined> {
    return (await this.client.json<{ run: Run | null }>(`runs/${encodeURIComponent(id)}`)).run ?? undefined;
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const status = filter.status === undefined ? undefined : ([] as string[]).concat(filter.status).join(',');
    const runs: Run[] = [];
    let offset = filter.offset ?? 0;
    for (;;) {
      const wanted = filter.limit === undefined ? STORE_PAGE.runs : Math.min(STORE_PAGE.runs, filter.limit - runs.length);
      if (wanted <= 0) return runs;
      const page = await this.client.json<{ runs: Run[] }>('runs', {
        status,
        text: filter.text,
        startedBefore: filter.startedBefore,
        limit: wanted,
        offset,
      });
      runs.push(...page.runs);
      if (page.runs.length < wanted) return runs;
      offset += page.runs.length;
    }
  }

  async resolveRun(ref: string): Promise<Run> {
    return (await this.client.json<{ run: Run }>(`resolve/${encodeURIComponent(ref)}`)).run;
  }

  async listSeriesOfRuns(runIds: readonly string[], kinds?: readonly SeriesKind[]): Promise<SeriesSummary[]> {
    const all: SeriesSummary[] = [];
    for (const runId of runIds) all.push(...(await this.listSeries(runId)));
    return kinds === undefined ? all : all.filter((series) => kinds.includes(series.kind));
  }

  async listProjects(): Promise<ProjectSummary[]> {
    const byProject = new Map<string | undefined, ProjectSummary>();
    for (const run of await this.listRuns({})) {
      const entry = byProject.get(run.project) ?? { ...(run.project === undefined ? {} : { project: run.project }), runs: 0, lastStart: 0 };
      entry.runs++;
      entry.lastStart = Math.max(entry.lastStart, run.startTime);
      byProject.set(run.project, entry);
    }
    return [...byProject.values()].sort((a, b) => b.lastStart - a.lastStart);
  }

  async listSeries(runId: string): Promise<SeriesSummary[]> {
    return (await this.client.json<{ series: SeriesSummary[] }>(`runs/${encodeURIComponent(runId)}/series`)).series;
  }

  querySeries(seriesId: number, query: SeriesQuery): Promise<SeriesData> {
    return this.client.json<SeriesData>(`series/${seriesId}/data`, { x: query.x, from: query.from, to: query.to, buckets: query.buckets });
  }

  async *readPoints(seriesId: number, fromIndex = 0): AsyncIterable<IndexedPoints> {
    let start = fromIndex;
    for (;;) {
      const { bytes } = await this.client.bytes(`series/${seriesId}/points`, { from: start, limit: STORE_PAGE.points });
      const page = decodePoints(bytes, start);
      if (page.value.length > 0) yield page;
      if (page.value.length < STORE_PAGE.points) return;
      start += page.value.length;
    }
  }

  outputFile(): string | undefined {
    return undefined;
  }

  async outputChunks(runId: string): Promise<OutputChunk[]> {
    const chunks: OutputChunk[] = [];
    for (;;) {
      const page = await this.client.json<{ chunks: OutputChunk[] }>(`runs/${encodeURIComponent(runId)}/output-chunks`, {
        offset: chunks.length,
        limit: STORE_PAGE.chunks,
      });
      chunks.push(...page.chunks);
      if (page.chunks.length < STORE_PAGE.chunks) return chunks;
    }
  }

  async outputSize(runId: string, stream: OutputStream, member?: string): Promise<number> {
    return (await this.client.json<{ size: number }>(`runs/${encodeURIComponent(runId)}/output/${stream}/size`, { member })).size;
  }

  readOutput(runId: string, stream: OutputStream, offset: number, length: number, member?: string): Promise<Uint8Array> {
    return this.readAhead.read(`${runId}\n${stream}\n${member ?? ''}`, offset, length, (from, size) => this.readPages(runId, stream, from, size, member));
  }

  /** Bytes of a stream, a page (one request) at a time. */
  private async readPages(runId: string, stream: OutputStream, offset: number, length: number, member?: string): Promise<Uint8Array> {
    const pieces: Uint8Array[] = [];
    let read = 0;
    while (read < length) {
      const want = Math.min(STORE_PAGE.bytes, length - read);
      const { bytes } = await this.client.bytes(`runs/${encodeURIComponent(runId)}/output/${stream}`, { offset: offset + read, length: want, member });
      pieces.push(bytes);
      read += bytes.length;
      if (bytes.length < want) break;
    }
    return pieces.length === 1 ? (pieces[0] as Uint8Array) : Buffer.concat(pieces);
  }

  async listArtifacts(runId: string): Promise<Artifact[]> {
    return (await this.client.json<{ artifacts: Artifact[] }>(`runs/${encodeURIComponent(runId)}/artifacts`)).artifacts;
  }

  artifactDir(): string | undefined {
    return undefined;
  }

  changes(since: number): Promise<StoreChanges> {
    return this.client.json<StoreChanges>('changes', { since });
  }

  async close(): Promise<void> {}

  // Writes: refused, naming the command and what to do instead.
  createRun(): Promise<Run> {
    return this.readOnly('create runs');
  }
  updateRun(): Promise<void> {
    return this.readOnly('change runs');
  }
  setParams(): Promise<void> {
    return this.readOnly('change params');
  }
  heartbeat(): Promise<void> {
    return this.readOnly('record heartbeats');
  }
  deleteRuns(): Promise<number> {
    return this.readOnly('delete runs');
  }
  markLostRuns(): Promise<Run[]> {
    return this.readOnly('mark runs lost');
  }
  applyBatch(): Promise<BatchResult> {
    return this.readOnly('record batches');
  }
  appendPoints(): Promise<void> {
    return this.readOnly('record points');
  }
  appendColumns(): Promise<void> {
    return this.readOnly('record points');
  }
  appendOutput(): Promise<void> {
    return this.readOnly('record output');
  }
  indexOutput(): Promise<void> {
    return this.readOnly('record output');
  }
  addArtifact(): Promise<void> {
    return this.readOnly('record artifacts');
  }
  addToken(): Promise<void> {
    return this.readOnly('manage tokens');
  }
  listTokens(): Promise<ApiToken[]> {
    return this.readOnly('manage tokens');
  }
  revokeToken(): Promise<boolean> {
    return this.readOnly('manage tokens');
  }

  private readOnly(what: string): Promise<never> {
    const { command, urlFrom } = this.target;
    return Promise.reject(
      new RunmeterError(
        'E_REMOTE_READ_ONLY',
        `runmeter ${command} cannot ${what} on runmeter server ${this.location} (named by ${urlFrom}): runs on a server are read-only ` +
          `from here; run it where the server's store is, with --store postgres://... (or unset RUNMETER_SERVER to use this machine's store)`,
      ),
    );
  }
}
