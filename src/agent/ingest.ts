import fs from 'node:fs';
import { contextFromName } from '../model/context.js';
import { type EnergyUse, type GridIntensity, summarizeEnergy } from '../model/energy.js';
import type { ParsedMetric, SeriesPoint } from '../model/point.js';
import type { RunUpdate } from '../model/run.js';
import type { SeriesKey } from '../model/series.js';
import { escapeControl } from '../model/text.js';
import { createOutputParser } from '../parse/index.js';
import type { OutputParser } from '../parse/types.js';
import type { OutputStream, Recorder } from '../record/index.js';
import type { OutputEntry, RecordingSummary, WorkerConfig } from './messages.js';
import { StepFlops, TrainingSteps } from './step-flops.js';
import { RejectedLines } from './warnings.js';

type MetricSummary = RecordingSummary['metrics'][number];

/** Points waiting before a batch is cut at once, whatever the timer says: a flood is recorded in large batches. */
const FLUSH_POINTS = 50_000;
/** How often the recorder's heartbeat goes with a batch. */
const HEARTBEAT_MS = 5000;
/** Training-metric names summarised for the end line; more are recorded, not summarised. */
const MAX_SUMMARIES = 10_000;

/**
 * The ingest pipeline of one run: the job's output bytes to the parsers, parsed metrics and system samples to the
 * recorder, and the recorder's batches out on a timer or when large. It runs in the ingest worker (so a slow store
 * never holds up the thread draining the job's pipes), and in-process in tests.
 */
export class Ingest {
  private readonly parsers: Record<OutputStream, OutputParser>;
  private readonly keys = new Map<string, SeriesKey>();
  /** The key each name had last: nearly every point finds its series here, without building a string. */
  private readonly lastKeys = new Map<string, { context: string | undefined; rank: number | undefined; key: SeriesKey }>();
  private readonly metrics = new Map<string, MetricSummary>();
  private readonly rejected: RejectedLines;
  private readonly fds: Record<OutputStream, number | undefined> = { stdout: undefined, stderr: undefined };
  private readBuffer = Buffer.allocUnsafe(1 << 20);
  /** When the bytes being parsed arrived: the time of the points found in them. */
  private arrival = 0;
  private lastBeat = 0;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** FLOPs per printed step, when `run --model` counted the model. */
  private readonly stepFlops: StepFlops | undefined;
  /** Lines the parsers failed on (runmeter's bugs, or RUNMETER_TEST_FAIL): the first is said, the rest counted. */
  private parseFailures = 0;
  /** The training steps the job printed (each new step once, passes that start again each epoch included). */
  private readonly steps = new TrainingSteps();

  constructor(
    private readonly config: WorkerConfig,
    readonly recorder: Recorder,
    private readonly say: (message: string) => void,
  ) {
    this.rejected = new RejectedLines(say);
    const parserFor = (stream: OutputStream) =>
      createOutputParser(
        {
          metric: (metric) => this.record(metric),
          warning: (w) => this.rejected.add(stream, w.line, w.message),
          failure: (line, error) => this.parseFailed(stream, `line ${line}`, error),
        },
        config.parse,
      );
    this.parsers = { stdout: parserFor('stdout'), stderr: parserFor('stderr') };
    if (config.model !== undefined) {
      this.stepFlops = new StepFlops(config.model, (key, time, step, epoch, value) => this.recorder.point(key, time, step, epoch, value));
    }
  }

  /** The machine's GPUs, once described: the name and count MFU is computed against. */
  onGpus(name: string | undefined, count: number): void {
    this.stepFlops?.onGpus(name, count);
  }

  /** From now on, cuts a batch `flushMs` after something arrives, and beats every few seconds while nothing does. */
  start(): void {
    this.heartbeat = setInterval(() => this.flush(), HEARTBEAT_MS);
    this.soon(); // the run itself: in the store within flushMs
  }

  /** Cuts a batch `flushMs` from now, unless one is due already: an idle job wakes this thread only for the heartbeat. */
  private soon(): void {
    if (this.timer !== undefined || this.heartbeat === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.config.flushMs);
  }

  /**
   * The job's output: parsed, and indexed (with its bytes when the sink does not have them). `batched`: the sender
   * gathered it for a while already (the pump thread), so the batch is cut now rather than a timer's wake-up later.
   */
  output(entries: readonly OutputEntry[], batched = false): void {
    let i = 0;
    while (i < entries.length) {
      const first = entries[i] as OutputEntry;
      if (first.bytes !== undefined) {
        this.take(first, first.bytes);
        i++;
        continue;
      }
      // Read a run of contiguous entries of one stream at once, then take each with its own arrival time.
      let j = i + 1;
      let length = first.length;
      while (j < entries.length && length < 1 << 20) {
        const next = entries[j] as OutputEntry;
        if (next.bytes !== undefined || next.stream !== first.stream || next.offset !== first.offset + length) break;
        length += next.length;
        j++;
      }
      let bytes: Buffer;
      try {
        bytes = this.read(first.stream, first.offset, length);
      } catch (error) {
        this.say(`cannot read back the job's ${first.stream} (${(error as Error).message}); its metrics are not parsed`);
        bytes = Buffer.alloc(0);
      }
      let at = 0;
      for (let k = i; k < j; k++) {
        const entry = entries[k] as OutputEntry;
        this.take(entry, bytes.subarray(at, at + entry.length));
        at += entry.length;
      }
      i = j;
    }
    if (batched || this.recorder.pending >= FLUSH_POINTS) void this.flush();
    else this.soon();
  }

  /** System samples (and other points made on the main thread). */
  points(points: readonly SeriesPoint[]): void {
    for (const p of points) this.recorder.point(p.series, p.time, p.step, p.epoch, p.value);
    this.soon();
  }

  /** Changes to the run that go with the next batch (git state, the machine's description). */
  updateRun(update: RunUpdate): void {
    this.recorder.updateRun(update);
    this.soon();
  }

  /** Cuts a batch of what is pending, if anything is. */
  flush(): Promise<void> {
    const now = Date.now();
    // A little under the period, so the heartbeat timer's own jitter never skips a beat.
    if (now - this.lastBeat >= HEARTBEAT_MS - 100) {
      this.lastBeat = now;
      this.recorder.beat(now);
    }
    return this.recorder.flush();
  }

  /** The job is over: parses what the streams still hold, records how the run ended, and waits until it is stored (or spooled). */
  async end(update: RunUpdate, waitMs: number, energy?: { uses: EnergyUse[]; gridIntensity: GridIntensity }): Promise<RecordingSummary> {
    // The run's energy, per training step where the job printed steps.
    if (energy !== undefined && energy.uses.length > 0) {
      update.energy = summarizeEnergy(energy.uses, { steps: this.steps.printed > 0 ? this.steps.printed : undefined, gridIntensity: energy.gridIntensity });
    }
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.timer = this.heartbeat = undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      try {
        this.parsers[stream].end();
      } catch (error) {
        this.parseFailed(stream, 'its end', error as Error);
      }
    }
    if (this.parseFailures > 1) this.say(`parsing failed on ${this.parseFailures} lines of the job's output in all; the other lines' metrics are recorded`);
    if (this.recorder.points === 0 || this.metrics.size === 0) this.sayNoMetrics();
    const rejected = this.rejected.summary();
    if (rejected !== undefined) this.say(rejected);
    this.recorder.updateRun(update);
    this.recorder.beat(Date.now());
    const left = await this.recorder.close(waitMs);
    for (const stream of ['stdout', 'stderr'] as const) {
      const fd = this.fds[stream];
      if (fd !== undefined) fs.closeSync(fd);
    }
    const summary: RecordingSummary = {
      points: this.recorder.points,
      metrics: [...this.metrics.values()],
      stored: left.spooledPoints === 0 && left.lostPoints === 0 && left.spoolDir === undefined,
      spooledPoints: left.spooledPoints,
      lostPoints: left.lostPoints,
      droppedOutputBytes: left.droppedOutputBytes,
    };
    if (left.spoolDir !== undefined) summary.spoolDir = left.spoolDir;
    return summary;
  }

  private take(entry: OutputEntry, bytes: Uint8Array): void {
    this.arrival = entry.time;
    try {
      this.parsers[entry.stream].push(bytes);
    } catch (error) {
      // The parser guards each line; this is a failure outside any line. The output is recorded all the same.
      this.parseFailed(entry.stream, `offset ${entry.offset}`, error as Error);
    }
    const piece = { stream: entry.stream, offset: entry.offset, length: entry.length, time: entry.time };
    // The sink has the bytes when they are in its own file; otherwise they go with the batch.
    if (entry.bytes !== undefined || !this.config.outputInStore) this.recorder.outputPiece({ ...piece, bytes: Uint8Array.from(bytes) });
    else this.recorder.outputPiece(piece);
  }

  /** A failure of runmeter's parser: said once, with where and why; the job's output is recorded all the same. */
  private parseFailed(stream: OutputStream, where: string, error: Error): void {
    if (this.parseFailures++ > 0) return;
    this.say(
      `parsing the job's ${stream} failed at ${where} (${error.message}); that line's metrics are not recorded, the other lines' are, and the output is kept whole`,
    );
  }

  private read(stream: OutputStream, offset: number, length: number): Buffer {
    let fd = this.fds[stream];
    if (fd === undefined) {
      fd = fs.openSync(this.config.files[stream], fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      this.fds[stream] = fd;
    }
    if (this.readBuffer.length < length) this.readBuffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const read = fs.readSync(fd, this.readBuffer, done, length - done, offset + done);
      if (read === 0) break;
      done += read;
    }
    return this.readBuffer.subarray(0, done);
  }

  /** No training metric was found: say once which line looked most like one, and a --pattern that reads it. */
  private sayNoMetrics(): void {
    if (this.metrics.size > 0) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const hint = this.parsers[stream].noMetricsHint();
      if (hint === undefined) continue;
      this.say(
        `no training metrics found in the job's output; its ${stream} line ${hint.line} looks like some: ${escapeControl(hint.text)}; try --pattern '${hint.pattern}'`,
      );
      return;
    }
  }

  private record(metric: ParsedMetric): void {
    const key = this.keyOf(metric);
    const time = metric.timestamp ?? this.arrival;
    this.recorder.point(key, time, metric.step, metric.epoch, metric.value);
    if (metric.step !== undefined && key.context === 'training') {
      this.steps.next(metric.step, metric.epoch, metric.rank);
      this.stepFlops?.step(metric.step, time, metric.epoch, metric.rank);
    }
    if (key.context === 'training') this.stepFlops?.printed(metric, time);
    let summary = this.metrics.get(metric.name);
    if (summary === undefined) {
      if (this.metrics.size >= MAX_SUMMARIES) return;
      summary = { name: metric.name, value: metric.value, count: 0 };
      this.metrics.set(metric.name, summary);
    }
    summary.value = metric.value;
    summary.count++;
    if (metric.step !== undefined) summary.step = metric.step;
    if (metric.epoch !== undefined) summary.epoch = metric.epoch;
  }

  /** The series key of a parsed metric: one object per series, so the recorder finds it by identity. */
  private keyOf(metric: ParsedMetric): SeriesKey {
    const last = this.lastKeys.get(metric.name);
    if (last !== undefined && last.context === metric.context && last.rank === metric.rank) return last.key;
    const key = this.findKey(metric);
    if (this.lastKeys.size >= 100_000) this.lastKeys.clear();
    this.lastKeys.set(metric.name, { context: metric.context, rank: metric.rank, key });
    return key;
  }

  private findKey(metric: ParsedMetric): SeriesKey {
    const id = `${metric.name}\u001f${metric.context ?? ''}\u001f${metric.rank ?? ''}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = { name: metric.name, kind: 'training', context: metric.context ?? contextFromName(metric.name) };
      if (metric.rank !== undefined) key.rank = metric.rank;
      if (metric.unit !== undefined) key.unit = metric.unit;
      // A log with endless distinct names must not grow this without bound.
      if (this.keys.size >= 100_000) this.keys.clear();
      this.keys.set(id, key);
    }
    return key;
  }
}
