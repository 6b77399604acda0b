import type { SeriesKey, SeriesKind } from '../model/series.js';
import type { Recorder } from '../record/index.js';

/**
 * Points of one series waiting to be written, column by column: appending is four stores into typed arrays, so
 * logging a metric allocates nothing. Absent steps and epochs are NaN (a real one is always finite).
 */
export class SeriesBuffer {
  readonly key: SeriesKey;
  count = 0;
  private time: Float64Array;
  private step: Float64Array;
  private epoch: Float64Array;
  private value: Float64Array;

  constructor(key: SeriesKey, capacity = 64) {
    this.key = key;
    this.time = new Float64Array(capacity);
    this.step = new Float64Array(capacity);
    this.epoch = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  push(time: number, step: number, epoch: number, value: number): void {
    const i = this.count;
    if (i === this.time.length) this.grow();
    this.time[i] = time;
    this.step[i] = step;
    this.epoch[i] = epoch;
    this.value[i] = value;
    this.count = i + 1;
  }

  /** Hands the buffered points to the recorder (which batches them in columns) and empties the buffer. */
  drainTo(recorder: Recorder): void {
    const series = this.key;
    for (let i = 0; i < this.count; i++) {
      const step = this.step[i] as number;
      const epoch = this.epoch[i] as number;
      recorder.point(series, this.time[i] as number, Number.isNaN(step) ? undefined : step, Number.isNaN(epoch) ? undefined : epoch, this.value[i] as number);
    }
    // A burst grew the arrays; give the memory back when the series has gone quiet again.
    if (this.time.length > 1024 && this.time.length > 4 * this.count) this.resize(Math.max(64, this.count), 0);
    this.count = 0;
  }

  private grow(): void {
    this.resize(this.time.length * 2, this.count);
  }

  private resize(capacity: number, keep: number): void {
    const moved = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      if (keep > 0) next.set(old.subarray(0, keep));
      return next;
    };
    this.time = moved(this.time);
    this.step = moved(this.step);
    this.epoch = moved(this.epoch);
    this.value = moved(this.value);
  }
}

/** Every series a run has logged to, found by kind, name and context without building a key string. */
export class MetricBuffer {
  /** Points buffered across all series. */
  pending = 0;
  private readonly kinds = new Map<SeriesKind, Map<string, Map<string, SeriesBuffer>>>();
  private readonly all: SeriesBuffer[] = [];

  /** The buffer of a series, created on first use. */
  series(kind: SeriesKind, name: string, context: string): SeriesBuffer {
    let names = this.kinds.get(kind);
    if (names === undefined) {
      names = new Map();
      this.kinds.set(kind, names);
    }
    let contexts = names.get(name);
    if (contexts === undefined) {
      contexts = new Map();
      names.set(name, contexts);
    }
    let buffer = contexts.get(context);
    if (buffer === undefined) {
      buffer = new SeriesBuffer({ name, kind, context });
      contexts.set(context, buffer);
      this.all.push(buffer);
    }
    return buffer;
  }

  /** Hands every buffered point to the recorder, series after series, leaving the buffer empty. */
  drainTo(recorder: Recorder): void {
    for (const buffer of this.all) if (buffer.count > 0) buffer.drainTo(recorder);
    this.pending = 0;
  }
}
