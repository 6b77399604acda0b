import type { OutputPiece, RecordBatch } from '../model/batch.js';
import { ColumnsBuilder, type SeriesColumns } from '../model/columns.js';
import type { NewRun, RunUpdate } from '../model/run.js';
import type { MemberUpdate } from '../model/run-members.js';
import { type SeriesKey, seriesKeyString } from '../model/series.js';
import type { BatchQueue, QueueLeftovers } from './batch-queue.js';

export interface RecorderOptions {
  runId: string;
  /** This recorder's name (newProducerId()); with each batch's seq, the batch's identity. */
  producer: string;
  /**
   * The run to create with the first batch, when the store has none with this id yet. Absent: the recorder attaches
   * to a run another recorder creates, and its batches wait (retried) until that run exists.
   */
  run?: NewRun & { id: string };
  /**
   * A member of a joined run (`run --join`): sent with the first batch; every series without a node gets its node,
   * every output piece its key, and the run's end (status, exit code, end time, machine, energy) becomes the member's.
   */
  member?: MemberUpdate;
  /** The node every series without one is labelled with (a member's node; the SDK inside a joined agent's job). */
  node?: string;
}

/** The run fields that belong to a joined run's member rather than to the run. */
const memberFields = ['status', 'exitCode', 'signal', 'reason', 'cause', 'endTime', 'system', 'energy'] as const;

/** Series kept at hand by key object; past this many the table starts over (a log with endless distinct names). */
const MAX_SERIES = 10_000;

/**
 * The one recording path for a run: takes points, output index entries and run metadata from a producer (the agent's
 * parsers and sampler, an SDK, `import`), cuts them into batches with identities (run, producer, seq), and hands
 * the batches to a queue that applies them, in order, exactly once. Nothing here waits on the store.
 */
export class Recorder {
  readonly runId: string;
  readonly producer: string;
  /** Points recorded so far (handed to the queue or pending). */
  points = 0;
  private seq = 0;
  private pendingPoints = 0;
  private active: ColumnsBuilder[] = [];
  private readonly byKey = new Map<SeriesKey, ColumnsBuilder>();
  private readonly byString = new Map<string, ColumnsBuilder>();
  private output: OutputPiece[] = [];
  private run: (NewRun & { id: string }) | undefined;
  private update: RunUpdate | undefined;
  private params: Record<string, unknown> | undefined;
  private tags: string[] | undefined;
  private heartbeat: number | undefined;
  private readonly memberKey: string | undefined;
  private readonly node: string | undefined;
  private member: MemberUpdate | undefined;
  private last: Promise<void> = Promise.resolve();

  constructor(
    readonly queue: BatchQueue,
    options: RecorderOptions,
  ) {
    this.runId = options.runId;
    this.producer = options.producer;
    this.run = options.run;
    this.member = options.member;
    this.memberKey = options.member?.key;
    this.node = options.member?.node ?? options.node;
  }

  /** Points and output waiting for the next batch. */
  get pending(): number {
    return this.pendingPoints + this.output.length;
  }

  /** Records one point. Producers that reuse their key objects find their series without building a string. */
  point(series: SeriesKey, time: number, step: number | undefined, epoch: number | undefined, value: number): void {
    const builder = this.builder(series);
    if (builder.n === 0) this.active.push(builder);
    builder.add(time, step, epoch, value);
    this.pendingPoints++;
    this.points++;
  }

  /** Records points already in columns. */
  columns(batch: SeriesColumns): void {
    if (batch.n === 0) return;
    const builder = this.builder(batch.series);
    if (builder.n === 0) this.active.push(builder);
    for (let i = 0; i < batch.n; i++) builder.add(batch.time[i] as number, batch.step[i], batch.epoch[i], batch.value[i] as number);
    this.pendingPoints += batch.n;
    this.points += batch.n;
  }

  /** Records where a piece of the job's output is (and its bytes, when the sink does not have them). */
  outputPiece(piece: OutputPiece): void {
    if (this.memberKey !== undefined) piece.member = this.memberKey;
    const last = this.output[this.output.length - 1];
    // Neighbouring index entries of one stream that arrived close together become one, as the store keeps them.
    if (
      last !== undefined &&
      last.bytes === undefined &&
      piece.bytes === undefined &&
      last.stream === piece.stream &&
      last.offset + last.length === piece.offset &&
      piece.time - last.time < 1000
    ) {
      last.length += piece.length;
      return;
    }
    this.output.push(piece);
  }

  /** Changes to the run (its end, git state, the machine's description), applied with the next batch. */
  updateRun(update: RunUpdate): void {
    if (this.memberKey === undefined || this.node === undefined) {
      this.update = { ...this.update, ...update };
      return;
    }
    const rest: RunUpdate = { ...update };
    const member: MemberUpdate = { ...this.member, key: this.memberKey, node: this.node };
    for (const field of memberFields) {
      if (rest[field] === undefined) continue;
      Object.assign(member, { [field]: rest[field] });
      delete rest[field];
    }
    this.member = member;
    if (Object.keys(rest).length > 0) this.update = { ...this.update, ...rest };
  }

  setParams(params: Record<string, unknown>): void {
    this.params = { ...this.params, ...params };
  }

  addTags(tags: readonly string[]): void {
    this.tags = [...(this.tags ?? []), ...tags];
  }

  /** The recorder is alive at `time`: recorded with the next batch, so lost runs can be told apart. */
  beat(time: number): void {
    this.heartbeat = time;
  }

  /** Cuts what is pending into the next batch and queues it; resolves once it is applied (or kept for later). */
  flush(): Promise<void> {
    const batch = this.takeBatch();
    if (batch !== undefined) this.last = this.queue.submit(batch);
    return this.last;
  }

  /**
   * Ends recording: queues what is pending as the last batch and closes the queue, which waits up to `waitMs` for the
   * sink and spools the rest. Never waits on the sink longer than that, even when it never takes a batch.
   */
  close(waitMs: number): Promise<QueueLeftovers> {
    const batch = this.takeBatch();
    if (batch !== undefined) this.last = this.queue.submit(batch);
    return this.queue.close(waitMs);
  }

  /** Whether anything waits for the next batch. */
  get hasPending(): boolean {
    return (
      this.pendingPoints > 0 ||
      this.output.length > 0 ||
      this.run !== undefined ||
      this.member !== undefined ||
      this.update !== undefined ||
      this.params !== undefined ||
      this.tags !== undefined ||
      this.heartbeat !== undefined
    );
  }

  private takeBatch(): RecordBatch | undefined {
    if (!this.hasPending) return undefined;
    const batch: RecordBatch = { runId: this.runId, producer: this.producer, seq: ++this.seq };
    if (this.run !== undefined) batch.run = this.run;
    if (this.update !== undefined) batch.update = this.update;
    if (this.member !== undefined) batch.member = this.member;
    if (this.params !== undefined) batch.params = this.params;
    if (this.tags !== undefined) batch.tags = this.tags;
    if (this.pendingPoints > 0) batch.series = this.active.map((builder) => builder.take());
    if (this.output.length > 0) batch.output = this.output;
    if (this.heartbeat !== undefined) batch.heartbeat = this.heartbeat;
    this.run = this.update = this.member = this.params = this.tags = this.heartbeat = undefined;
    this.active = [];
    this.output = [];
    this.pendingPoints = 0;
    return batch;
  }

  private builder(series: SeriesKey): ColumnsBuilder {
    let builder = this.byKey.get(series);
    if (builder !== undefined) return builder;
    const labelled = this.node !== undefined && series.node === undefined ? { ...series, node: this.node } : series;
    const key = seriesKeyString(labelled);
    builder = this.byString.get(key);
    if (builder === undefined) {
      if (this.byString.size >= MAX_SERIES) this.forgetSeries();
      builder = new ColumnsBuilder(labelled);
      this.byString.set(key, builder);
    }
    if (this.byKey.size >= MAX_SERIES) this.byKey.clear();
    this.byKey.set(series, builder);
    return builder;
  }

  /** Starts the series tables over; builders holding pending points stay in `active` until the next batch. */
  private forgetSeries(): void {
    this.byKey.clear();
    this.byString.clear();
  }
}
