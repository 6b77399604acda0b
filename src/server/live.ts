import type { SeriesSummary, Store } from '../store/store.js';
import type { LiveEvent } from './api-types.js';
import { pointsView, runView, seriesView } from './views.js';

/** Above this many new points in one poll, a series' points are not pushed: the client reads them itself. */
export const MAX_PUSHED_POINTS = 5000;

interface Subscriber {
  /** Runs whose series, points and logs this subscriber gets; every subscriber gets every `run` event. */
  runIds: Set<string>;
  send(event: LiveEvent): void;
}

/** What the feed last told subscribers about a run. */
interface RunSnapshot {
  counts: Map<number, number>;
  stdout: number;
  stderr: number;
}

/**
 * Polls the store for changes (another process, `runmeter run`, writes it) and tells subscribers what changed.
 * One feed serves every open page; it polls only while someone listens.
 */
export class ChangeFeed {
  private readonly subscribers = new Set<Subscriber>();
  private readonly snapshots = new Map<string, RunSnapshot>();
  private version = -1;
  private timer: NodeJS.Timeout | undefined;
  private pollRunning = false;

  constructor(
    private readonly store: Store,
    private readonly intervalMs = 200,
  ) {}

  /** Starts sending events to `send`; returns the function that stops it. */
  async subscribe(runIds: string[], send: (event: LiveEvent) => void): Promise<() => void> {
    if (this.version === -1) this.version = (await this.store.changes(Number.MAX_SAFE_INTEGER)).version;
    for (const runId of runIds) if (!this.snapshots.has(runId)) this.snapshots.set(runId, await this.snapshot(runId));
    const subscriber: Subscriber = { runIds: new Set(runIds), send };
    this.subscribers.add(subscriber);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** True while someone listens and the store is being polled. */
  get polling(): boolean {
    return this.timer !== undefined;
  }

  /** Stops polling and forgets what was sent. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.snapshots.clear();
    this.version = -1;
  }

  private async snapshot(runId: string, series?: SeriesSummary[]): Promise<RunSnapshot> {
    const list = series ?? (await this.store.listSeries(runId));
    const [stdout, stderr] = await Promise.all([this.store.outputSize(runId, 'stdout'), this.store.outputSize(runId, 'stderr')]);
    return { counts: new Map(list.map((s) => [s.id, s.count])), stdout, stderr };
  }

  /** One poll: what changed since the last one, as events. */
  async poll(): Promise<void> {
    if (this.pollRunning || this.version === -1) return;
    this.pollRunning = true;
    try {
      const changes = await this.store.changes(this.version);
      if (changes.version === this.version) return;
      this.version = changes.version;
      for (const runId of changes.runIds) await this.runChanged(runId);
    } catch {
      // A busy or briefly locked database: the next poll tries again.
    } finally {
      this.pollRunning = false;
    }
  }

  private async runChanged(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (run === undefined) return;
    const series = await this.store.listSeries(runId);
    this.broadcast(undefined, { type: 'run', run: runView(run, series) });
    const watched = [...this.subscribers].some((s) => s.runIds.has(runId));
    const before = this.snapshots.get(runId);
    if (!watched || before === undefined) {
      if (before !== undefined) this.snapshots.set(runId, await this.snapshot(runId, series));
      return;
    }
    const changed = series.filter((s) => before.counts.get(s.id) !== s.count);
    if (changed.length > 0) this.broadcast(runId, { type: 'series', runId, series: changed.map(seriesView) });
    for (const s of changed) {
      const known = before.counts.get(s.id) ?? 0;
      let end = s.count;
      if (s.count > known && s.count - known <= MAX_PUSHED_POINTS) end = await this.pushPoints(runId, s.id, known, s.count);
      before.counts.set(s.id, Math.max(end, s.count));
    }
    const [stdout, stderr] = await Promise.all([this.store.outputSize(runId, 'stdout'), this.store.outputSize(runId, 'stderr')]);
    if (stdout !== before.stdout || stderr !== before.stderr) {
      before.stdout = stdout;
      before.stderr = stderr;
      this.broadcast(runId, { type: 'log', runId, stdout, stderr });
    }
  }

  /** Tells every listener that a run was deleted through this server (a deletion leaves no row to notice). */
  removed(runId: string): void {
    this.snapshots.delete(runId);
    this.broadcast(undefined, { type: 'removed', runId });
  }

  /** Sends points [from, to) of a series (and any written since); returns the index after the last one sent. */
  private async pushPoints(runId: string, seriesId: number, from: number, to: number): Promise<number> {
    const columns = { time: [] as number[], step: [] as number[], epoch: [] as number[], value: [] as number[] };
    for await (const batch of this.store.readPoints(seriesId, from)) {
      for (let i = 0; i < batch.value.length; i++) {
        columns.time.push(batch.time[i] as number);
        columns.step.push(batch.step[i] as number);
        columns.epoch.push(batch.epoch[i] as number);
        columns.value.push(batch.value[i] as number);
      }
    }
    if (columns.value.length === 0) return to;
    this.broadcast(runId, { type: 'points', runId, seriesId, ...pointsView({ start: from, ...columns }) });
    return from + columns.value.length;
  }

  /** Sends an event to every subscriber, or to those watching `runId`. */
  private broadcast(runId: string | undefined, event: LiveEvent): void {
    for (const subscriber of this.subscribers) {
      if (runId === undefined || subscriber.runIds.has(runId)) subscriber.send(event);
    }
  }
}
