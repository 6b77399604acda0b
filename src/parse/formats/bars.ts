// Progress bars with values (tqdm postfixes, Lightning's rich bar): a bar redraws many times, and its values count
// as of its last redraw. For a bar per epoch that is the redraw before the next epoch's bar (Lightning adds val_loss
// after validation, on the same bar); for other bars, the redraw at 100%, or the last one before the bar restarts.
import { type LineContext, type MetricOutput, metricOn, rememberLine } from './line.js';

/** One redraw of a bar, read. */
export interface BarReading {
  format: 'tqdm' | 'lightning';
  /** Which bar: its description with the numbers taken out, so each epoch's bar is the same family. */
  family: string;
  epoch: number | undefined;
  /** Iterations done and the total; NaN when not shown. */
  done: number;
  total: number;
  values: Array<[string, number]>;
}

interface PendingBar {
  reading: BarReading;
  at: LineContext;
}

const MAX_BARS = 256;

/** Follows bars (per rank) and emits each bar's values once, as of its last redraw. */
export class BarTracker {
  private readonly pending = new Map<string, PendingBar>();
  /** What was emitted last for a bar without epochs, so a redraw of the same finished bar is not emitted again. */
  private readonly emitted = new Map<string, string>();

  constructor(
    private readonly out: MetricOutput,
    private readonly perBatch: boolean,
  ) {}

  /** With `perBatch`, the last redraw of each bar, for the values printed after it. */
  private readonly last = new Map<string, BarReading>();

  /** A redraw of a bar. */
  update(reading: BarReading, at: LineContext): void {
    const key = `${at.rank ?? ''}|${reading.format}|${reading.family}`;
    if (this.perBatch) {
      if (this.last.size >= MAX_BARS) this.last.clear();
      this.last.set(key, reading);
      this.emit(reading, at);
      return;
    }
    const pending = this.pending.get(key);
    if (reading.epoch !== undefined) {
      if (pending !== undefined && pending.reading.epoch !== reading.epoch) this.flush(key, pending);
      if (reading.values.length > 0) this.hold(key, reading, at);
      return;
    }
    if (reading.done === reading.total && reading.values.length > 0) {
      this.pending.delete(key);
      const signature = `${reading.done}/${reading.total} ${reading.values.join(' ')}`;
      if (this.emitted.get(key) === signature) return;
      if (this.emitted.size >= MAX_BARS) this.emitted.clear();
      this.emitted.set(key, signature);
      this.emit(reading, at);
      return;
    }
    // Part way: a bar that starts again without having finished gives its last values now.
    if (pending !== undefined && !(reading.done >= pending.reading.done)) this.flush(key, pending);
    if (reading.done < reading.total) this.emitted.delete(key);
    if (reading.values.length > 0) this.hold(key, reading, at);
  }

  /** Values printed on the line after a bar's (Lightning's rich bar wraps `val_loss: ...` there). */
  addValues(format: BarReading['format'], family: string, values: Array<[string, number]>, at: LineContext): boolean {
    const key = `${at.rank ?? ''}|${format}|${family}`;
    if (this.perBatch) {
      const last = this.last.get(key);
      if (last !== undefined) this.emit({ ...last, values }, at);
      return last !== undefined;
    }
    const pending = this.pending.get(key);
    if (pending === undefined) return false;
    const merged = new Map(pending.reading.values);
    for (const [name, value] of values) merged.set(name, value);
    pending.reading = { ...pending.reading, values: [...merged] };
    return true;
  }

  /** The stream ended: each bar's last redraw counts. */
  end(): void {
    for (const [key, pending] of [...this.pending]) this.flush(key, pending);
  }

  private hold(key: string, reading: BarReading, at: LineContext): void {
    if (!this.pending.has(key) && this.pending.size >= MAX_BARS) this.end();
    this.pending.set(key, { reading, at: rememberLine(at) });
  }

  private flush(key: string, pending: PendingBar): void {
    this.pending.delete(key);
    this.emit(pending.reading, pending.at);
  }

  private emit(reading: BarReading, at: LineContext): void {
    for (const [name, value] of reading.values) {
      const point = metricOn(at, reading.format, name, value);
      if (reading.epoch !== undefined) point.epoch = reading.epoch;
      else if (Number.isFinite(reading.done)) point.step = reading.done;
      this.out.metric(point);
    }
  }
}
