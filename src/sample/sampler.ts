import { performance } from 'node:perf_hooks';
import type { EnergyUse } from '../model/energy.js';
import type { SeriesPoint } from '../model/point.js';
import { testFault } from '../model/test-faults.js';
import { monotonicMicroseconds } from './kernel-log.js';
import { SystemProbes } from './probes.js';
import type { SampleValue } from './reading.js';
import type { SamplerEnd, SamplerOptions, SystemSampler } from './types.js';
import { toRecord, toSeriesPoints, WindowTally } from './window.js';

const defaultConsumer = 'default';

/** Reads on a timer aligned to the job's start, and keeps one window for reports and one per sinceLastCall() consumer. */
export class Sampler implements SystemSampler {
  private readonly warned = new Set<string>();
  private readonly probes: SystemProbes;
  private readonly sampleMs: number;
  private readonly reportMs: number;
  // Epoch ms = monotonic ms + this: reports are stamped on the wall clock, windows measured on a clock that never jumps.
  private readonly epochOffset = Date.now() - performance.now();
  private originMs = performance.now();
  private lastReadingMs = this.originMs;
  private readonly reports = new WindowTally(this.originMs);
  private readonly consumers = new Map<string, WindowTally>();
  // Every reading since the start, never closed: a consumer's first window is a copy of it.
  private readonly sinceStart = new WindowTally(this.originMs);
  private readonly energy = new Map<string, number>();
  private readonly xids: { gpu: number | string; xid: number }[] = [];
  private nextReadingMs = 0;
  private nextReportMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private ended: Promise<SamplerEnd> | undefined;
  /** TEST ONLY (RUNMETER_TEST_FAIL=sample:N): undefined otherwise. */
  private readonly fault = testFault('sample');

  constructor(private readonly options: SamplerOptions) {
    this.reportMs = options.reportIntervalMs ?? 5000;
    this.sampleMs = Math.min(options.sampleIntervalMs ?? 1000, this.reportMs);
    this.probes = new SystemProbes(options, (key, message) => this.warnOnce(key, message));
    if (options.rootPid !== undefined) this.probes.setJob(options.rootPid, this.originMs, this.originMs);
  }

  start(startTime = Date.now()): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const now = performance.now();
    this.originMs = Math.min(now, startTime - this.epochOffset);
    this.lastReadingMs = this.originMs;
    this.reports.startMs = this.originMs;
    this.sinceStart.startMs = this.originMs;
    for (const tally of this.consumers.values()) tally.startMs = this.originMs;
    if (this.options.rootPid !== undefined) this.probes.setJob(this.options.rootPid, this.originMs, now);
    // This first reading covers the time since the job started: its CPU, and the baselines that later rates are measured from.
    this.takeReading(now);
    this.nextReadingMs = this.originMs + this.sampleMs;
    // The first report comes after the first interval's reading, so that a chart shows at once; then every reportIntervalMs.
    this.nextReportMs = this.nextReadingMs;
    this.schedule();
  }

  async finish(endTime = Date.now()): Promise<SamplerEnd> {
    this.ended ??= this.end(endTime);
    return this.ended;
  }

  async sinceLastCall(consumer = defaultConsumer): Promise<Record<string, number>> {
    await this.probes.refresh();
    let tally = this.consumers.get(consumer);
    if (tally === undefined) {
      tally = this.sinceStart.copy();
      this.consumers.set(consumer, tally);
    }
    const now = performance.now();
    if (!this.stopped) this.takeReading(now);
    return toRecord(tally.close(Math.max(now, tally.startMs)));
  }

  async sampleNow(): Promise<void> {
    await this.probes.refresh();
    if (!this.stopped) this.takeReading(performance.now());
  }

  report(time: number): SeriesPoint[] {
    const now = performance.now();
    if (!this.stopped) this.takeReading(now);
    return toSeriesPoints(this.reports.close(now), time, (ms) => ms + this.epochOffset);
  }

  setRootPid(pid: number): void {
    const now = performance.now();
    this.probes.setJob(pid, now, now);
  }

  async stop(): Promise<void> {
    this.halt();
    await this.inFlight;
    await this.probes.close();
  }

  private async end(endTime: number): Promise<SamplerEnd> {
    this.halt();
    await this.inFlight;
    await this.probes.refresh().catch(() => {});
    // The last window ends at the job's exit; a reading already taken after it (a timer that fired first) moves the end to it.
    const endMs = Math.max(endTime - this.epochOffset, this.lastReadingMs + 1);
    this.takeReading(endMs, true);
    if (this.options.onReport !== undefined) this.emitReport(endMs);
    const startUs = monotonicMicroseconds() - (performance.now() - this.originMs) * 1000;
    const evidence = this.probes.oomEvidence(startUs);
    if (this.xids.length === 0) for (const logged of evidence?.kernel?.xids ?? []) this.xids.push({ gpu: `PCI ${logged.pci}`, xid: logged.xid });
    await this.probes.close();
    const energy: EnergyUse[] = [...this.energy].map(([name, joules]) => ({
      // gpu/0/energy_joules -> gpu/0, system/cpu_estimated_energy_joules -> system/cpu
      source: name.replace(/_?(?:estimated_)?energy_joules$/, '').replace(/\/$/, ''),
      joules,
      estimated: name.includes('estimated_'),
    }));
    return { ...(evidence === undefined ? {} : { oom: evidence.oom }), energy, gpuErrors: this.xids };
  }

  private halt(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = performance.now();
    // A reading that ran late skips the intervals it missed rather than catching up.
    while (this.nextReadingMs <= now) this.nextReadingMs += this.sampleMs;
    this.timer = setTimeout(() => this.tick(), this.nextReadingMs - now);
    this.timer.unref();
  }

  private tick(): void {
    this.inFlight = (async () => {
      // A GPU tool (nvidia-smi) runs first, so that its output is this reading's.
      await this.probes.refresh();
      if (this.stopped) return;
      const now = performance.now();
      this.takeReading(now);
      // Timers fire a little late, never early: half an interval of slack keeps a late reading from skipping its report.
      if (this.options.onReport !== undefined && now >= this.nextReportMs - this.sampleMs / 2) this.emitReport(now);
    })()
      .catch((error: Error) => this.warnOnce('sample', `system metrics: a reading failed: ${error.message}`))
      .finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
  }

  private takeReading(atMs: number, final = false): void {
    this.fault?.();
    const covered = Math.max(0, atMs - this.lastReadingMs);
    const values = this.probes.read(atMs, covered, final);
    this.lastReadingMs = Math.max(this.lastReadingMs, atMs);
    this.reports.add(values, covered, atMs);
    this.sinceStart.add(values, covered, atMs);
    for (const tally of this.consumers.values()) tally.add(values, covered, atMs);
    this.remember(values);
  }

  private remember(values: readonly SampleValue[]): void {
    for (const { name, value } of values) {
      if (name.endsWith('energy_joules')) this.energy.set(name, value);
      else if (name.endsWith('/xid')) this.xids.push({ gpu: Number(name.split('/')[1]), xid: value });
    }
  }

  private emitReport(atMs: number): void {
    const points = toSeriesPoints(this.reports.close(atMs), Math.round(atMs + this.epochOffset), (ms) => ms + this.epochOffset);
    while (this.nextReportMs <= atMs + this.sampleMs / 2) {
      // The next multiple of the interval after this one; the epsilon and the max keep a rounding error (k - 1e-16
      // floored to k - 1) from giving back the same time, which looped here for ever.
      const k = Math.floor((this.nextReportMs - this.originMs) / this.reportMs + 1e-6) + 1;
      this.nextReportMs = Math.max(this.originMs + k * this.reportMs, this.nextReportMs + this.reportMs / 2);
    }
    if (points.length === 0) return;
    try {
      this.options.onReport?.(points);
    } catch (error) {
      this.warnOnce('report', `system metrics: the report could not be recorded: ${(error as Error).message}`);
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.warn?.(message);
  }
}
