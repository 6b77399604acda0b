// Progress bars with values (tqdm postfixes, Lightning's rich bar): a bar redraws many times, and its values count
// as of its last redraw. For a bar per epoch that is the redraw before the next epoch's bar (Lightning adds val_loss
// after validation, on the same bar); for other bars, the redraw at 100%, or the last one before the bar restarts.
import { type LineContext, type MetricOutput, metricOn, RememberedLine } from './line.js';

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
  /** Whether `values` is not empty, when that is known without reading them (they are read only if emitted). */
  readonly hasValues?: boolean;
  /** The values as name, value, name, value...: what `values` pairs up, for emitting them without the pairs. */
  readonly items?: ReadonlyArray<string | number>;
}

const holdsValues = (reading: BarReading) => reading.hasValues ?? reading.values.length > 0;

/** A bar's last redraw with values, and the line it was on; updated in place as the bar redraws. */
interface PendingBar {
  reading: BarReading;
  at: RememberedLine;
}

const MAX_BARS = 256;

/** Follows bars (per rank) and emits each bar's values once, as of its last redraw. */
export class BarTracker {
  private readonly pending = new Map<string, PendingBar>();
  /** What was emitted last for a bar without epochs, so a redraw of the same finished bar is not emitted again. */
  private readonly emitted = new Map<string, string>();
  private readonly lastKey = { rank: undefined as number | undefined, format: '', family: '', key: '' };

  constructor(
    private readonly out: MetricOutput,
    private readonly perBatch: boolean,
  ) {}

  /** With `perBatch`, the last redraw of each bar, for the values printed after it. */
  private readonly last = new Map<string, BarReading>();

  /** A redraw of a bar. */
  update(reading: BarReading, at: LineContext): void {
    const key = this.keyOf(at.rank, reading.format, reading.family);
    if (this.perBatch) {
      if (this.last.size >= MAX_BARS) this.last.clear();
      this.last.set(key, reading);
      this.emit(reading, at);
      return;
    }
    const pending = this.pending.get(key);
    if (reading.epoch !== undefined) {
      if (pending !== undefined && pending.reading.epoch !== reading.epoch) this.flush(key, pending);
      if (holdsValues(reading)) this.hold(key, reading, at);
      return;
    }
    if (reading.done === reading.total && holdsValues(reading)) {
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
    if (holdsValues(reading)) this.hold(key, reading, at);
  }

  /** Values printed on the line after a bar's (Lightning's rich bar wraps `val_loss: ...` there). */
  addValues(format: BarReading['format'], family: string, values: Array<[string, number]>, at: LineContext): boolean {
    const key = this.keyOf(at.rank, format, family);
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
    const pending = this.pending.get(key);
    if (pending !== undefined) {
      pending.reading = reading;
      pending.at.copy(at);
      return;
    }
    if (this.pending.size >= MAX_BARS) this.end();
    this.pending.set(key, { reading, at: new RememberedLine(at) });
  }

  /** The key of a bar: the same string for the same bar while it redraws, so looking it up hashes nothing new. */
  private keyOf(rank: number | undefined, format: string, family: string): string {
    const last = this.lastKey;
    if (last.rank === rank && last.format === format && last.family === family) return last.key;
    last.rank = rank;
    last.format = format;
    last.family = family;
    last.key = `${rank ?? ''}|${format}|${family}`;
    return last.key;
  }

  private flush(key: string, pending: PendingBar): void {
    this.pending.delete(key);
    this.emit(pending.reading, pending.at);
  }

  private emit(reading: BarReading, at: LineContext): void {
    const items = reading.items;
    if (items === undefined) {
      for (const [name, value] of reading.values) this.emitValue(reading, at, name, value);
      return;
    }
    for (let i = 0; i < items.length; i += 2) this.emitValue(reading, at, items[i] as string, items[i + 1] as number);
  }

  private emitValue(reading: BarReading, at: LineContext, name: string, value: number): void {
    const point = metricOn(at, reading.format, name, value);
    if (reading.epoch !== undefined) point.epoch = reading.epoch;
    else if (Number.isFinite(reading.done)) point.step = reading.done;
    this.out.metric(point);
  }
}
