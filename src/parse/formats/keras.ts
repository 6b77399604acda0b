// Keras progress lines (1.x, tf.keras 2, Keras 3; verbose 1 and 2):
//   Epoch 3/10
//   1280/1280 [==============================] - 0s - loss: 0.3214 - acc: 0.8715 - val_loss: 0.2383
//   40/40 ━━━━━━━━━━━━━━━━━━━━ 0s 15us/step - loss: 1.0393 - val_loss: 1.1432 - learning_rate: 1.0000e-04
//   40/40 - 0s - loss: 1.5713 - accuracy: 0.3715      (verbose 2; Keras 1 prints `0s - loss: ...`)
// The epoch's final line holds its values, val_ metrics included: one point per metric per epoch. Earlier
// lines are running averages over the batches so far, recorded only with `perBatch`.
import { metricNamePattern, parseMetricNumber } from '../number.js';
import { EPOCH_HEADER, kerasScan, NOT_KERAS, scanKerasLine, UNSURE } from './keras-bytes.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';
import { NameSlots } from './names.js';

const epochHeader = /^Epoch (\d+)\/(\d+)$/;
const countHead = /^(\d+)\/(\d+|Unknown)(?:\s|$)/;
const durationHead = /^(?:\d+h ?)?(?:\d+m ?)?\d+s$/;

interface Progress {
  /** Batches (or samples) done and the total, as printed: `40/40`; undefined for Keras 1's verbose 2. */
  count: string | undefined;
  done: number;
  total: number;
  hasEta: boolean;
  /** Name, value, and the value as printed. */
  values: Array<[string, number, string]>;
}

/** Reads a progress line (escapes already removed), or undefined when it is not one. */
export function readKerasProgress(text: string): Progress | undefined {
  const parts = text.split(' - ');
  if (parts.length < 2) return undefined;
  const first = (parts[0] as string).trim();
  const count = countHead.exec(first);
  if (count === null && !durationHead.test(first)) return undefined;
  const progress: Progress = { count: undefined, done: Number.NaN, total: Number.NaN, hasEta: false, values: [] };
  if (count !== null) {
    progress.count = `${count[1]}/${count[2]}`;
    progress.done = Number(count[1]);
    progress.total = Number(count[2]);
  }
  for (let i = 1; i < parts.length; i++) {
    const part = (parts[i] as string).trim();
    const colon = part.indexOf(': ');
    if (colon <= 0) continue;
    const name = part.slice(0, colon);
    if (name === 'ETA') {
      progress.hasEta = true;
      continue;
    }
    const raw = part.slice(colon + 2).trim();
    const value = parseMetricNumber(raw);
    if (value !== undefined && metricNamePattern.test(name)) progress.values.push([name, value, raw]);
  }
  return progress.values.length > 0 ? progress : undefined;
}

/** The epoch's last line: all batches done and no ETA, or verbose 2's one line per epoch. */
function isEpochEnd(count: string | undefined, done: number, total: number, hasEta: boolean): boolean {
  if (count === undefined) return true;
  return done === total && !hasEta;
}

/** Names already recorded in an epoch: each metric once per epoch. Clearing it starts a new round, allocating nothing. */
class RecordedNames {
  private readonly rounds = new Map<string, number>();
  private round = 0;

  has(name: string): boolean {
    return this.rounds.get(name) === this.round;
  }

  add(name: string): void {
    this.rounds.set(name, this.round);
  }

  clear(): void {
    // Names of earlier rounds stay until there are many of them.
    if (this.rounds.size > 4096) this.rounds.clear();
    this.round++;
  }
}

interface EpochState {
  epoch: number | undefined;
  recorded: RecordedNames;
  /** The count of the epoch's final line, once seen: another progress bar after it is not this epoch's. */
  finalCount: string | undefined;
  ended: boolean;
}

/** Keras's parser for one stream; it follows the epoch per rank. */
export class KerasParser {
  private readonly states = new Map<number, EpochState>();

  constructor(
    private readonly out: MetricOutput,
    private readonly perBatch: boolean,
    /** Told each epoch header (`Epoch 3/10`), so that other formats' lines after it are at that epoch too. */
    private readonly onEpoch?: (epoch: number, at: LineContext) => void,
  ) {}

  private readonly scan = kerasScan();
  // The values of the progress line being read, by both readers: name, value, and the value as printed.
  private readonly names: string[] = [];
  private readonly numbers: number[] = [];
  private readonly raws: Array<string | undefined> = [];
  private readonly slots = new NameSlots();

  /** Reads a line; true when it was Keras's (an epoch header or a progress line). */
  line(text: string, at: LineContext): boolean {
    const trimmed = text.trim();
    if (trimmed.startsWith('Epoch ')) return this.header(trimmed, at);
    const progress = readKerasProgress(trimmed);
    if (progress === undefined) return false;
    if (at.partial && !this.perBatch) return true;
    const { values } = progress;
    for (let v = 0; v < values.length; v++) {
      const [name, value, raw] = values[v] as [string, number, string];
      this.names[v] = name;
      this.numbers[v] = value;
      this.raws[v] = raw;
    }
    this.progress(progress.count, progress.done, progress.total, progress.hasEta, values.length, at);
    return true;
  }

  /** `line` on the text of `buf[start, end)`, read from its bytes; undefined when only the text can tell. */
  lineBytes(buf: Buffer, start: number, end: number, at: LineContext): boolean | undefined {
    const scan = this.scan;
    const kind = scanKerasLine(buf, start, end, scan);
    if (kind === UNSURE) return undefined;
    if (kind === NOT_KERAS) return false;
    if (kind === EPOCH_HEADER) {
      this.startEpoch(scan.epoch, at);
      return true;
    }
    if (at.partial && !this.perBatch) return true;
    // The parts after the head are ASCII: a byte is a character of the text.
    const text = this.out.keepsValueText === true ? buf.toString('latin1', start, end) : undefined;
    const spans = scan.spans;
    for (let v = 0; v < scan.count; v++) {
      const k = v * 4;
      this.names[v] = this.slots.name(buf, spans[k] as number, spans[k + 1] as number, v + 1);
      this.numbers[v] = scan.values[v] as number;
      this.raws[v] = text?.slice((spans[k + 2] as number) - start, (spans[k + 3] as number) - start);
    }
    const count = scan.countEnd < 0 ? undefined : this.slots.name(buf, start, scan.countEnd, 0);
    this.progress(count, scan.done, scan.total, scan.hasEta, scan.count, at);
    return true;
  }

  /** A progress line whose `length` values are in `names`, `numbers` and `raws`. */
  private progress(count: string | undefined, done: number, total: number, hasEta: boolean, length: number, at: LineContext): void {
    const state = this.state(at.rank);
    const final = !at.partial && isEpochEnd(count, done, total, hasEta);
    if (state.ended && !(final && count === state.finalCount)) {
      // A new bar after the epoch's end (evaluate, predict) is not that epoch's.
      state.epoch = undefined;
      state.recorded.clear();
      state.ended = false;
    }
    if (final) {
      for (let v = 0; v < length; v++) {
        const name = this.names[v] as string;
        if (state.recorded.has(name)) continue;
        state.recorded.add(name);
        this.emit(at, name, this.numbers[v] as number, state.epoch, this.raws[v]);
      }
      state.ended = true;
      state.finalCount = count;
    } else if (this.perBatch) {
      // A running average part way through the epoch sits at that fraction of it.
      const epoch = state.epoch !== undefined && total > 0 ? state.epoch - 1 + done / total : state.epoch;
      for (let v = 0; v < length; v++) this.emit(at, this.names[v] as string, this.numbers[v] as number, epoch, this.raws[v]);
    }
  }

  private header(text: string, at: LineContext): boolean {
    const match = epochHeader.exec(text);
    if (match === null) return false;
    this.startEpoch(Number(match[1]), at);
    return true;
  }

  private startEpoch(epoch: number, at: LineContext): void {
    this.onEpoch?.(epoch, at);
    const state = this.state(at.rank);
    state.epoch = epoch;
    state.recorded.clear();
    state.ended = false;
    state.finalCount = undefined;
  }

  private emit(at: LineContext, name: string, value: number, epoch: number | undefined, raw: string | undefined): void {
    const point = metricOn(at, 'keras', name, value, undefined, raw);
    if (epoch !== undefined) point.epoch = epoch;
    this.out.metric(point);
  }

  private state(rank: number | undefined): EpochState {
    const key = rank ?? -1;
    let state = this.states.get(key);
    if (state === undefined) {
      if (this.states.size >= 1024) this.states.clear();
      state = { epoch: undefined, recorded: new RecordedNames(), finalCount: undefined, ended: false };
      this.states.set(key, state);
    }
    return state;
  }
}
