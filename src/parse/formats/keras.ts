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
  /** Name, value, and the value as printed (when the output keeps it). */
  values: Array<[string, number, string | undefined]>;
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
function isEpochEnd(progress: Progress): boolean {
  if (progress.count === undefined) return true;
  return progress.done === progress.total && !progress.hasEta;
}

interface EpochState {
  epoch: number | undefined;
  /** Names already recorded for this epoch: each metric once per epoch. */
  recorded: Set<string>;
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
  ) {}

  private readonly scan = kerasScan();
  private readonly names = new NameSlots();

  /** Reads a line; true when it was Keras's (an epoch header or a progress line). */
  line(text: string, at: LineContext): boolean {
    const trimmed = text.trim();
    if (trimmed.startsWith('Epoch ')) return this.header(trimmed, at);
    const progress = readKerasProgress(trimmed);
    if (progress === undefined) return false;
    return this.progress(progress, at);
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
    const values: Progress['values'] = [];
    const spans = scan.spans;
    for (let v = 0; v < scan.count; v++) {
      const k = v * 4;
      const name = this.names.name(buf, spans[k] as number, spans[k + 1] as number, v + 1);
      values.push([name, scan.values[v] as number, text?.slice((spans[k + 2] as number) - start, (spans[k + 3] as number) - start)]);
    }
    const count = scan.countEnd < 0 ? undefined : this.names.name(buf, start, scan.countEnd, 0);
    return this.progress({ count, done: scan.done, total: scan.total, hasEta: scan.hasEta, values }, at);
  }

  private progress(progress: Progress, at: LineContext): boolean {
    if (at.partial && !this.perBatch) return true;
    const state = this.state(at.rank);
    const final = !at.partial && isEpochEnd(progress);
    if (state.ended && !(final && progress.count === state.finalCount)) {
      // A new bar after the epoch's end (evaluate, predict) is not that epoch's.
      state.epoch = undefined;
      state.recorded.clear();
      state.ended = false;
    }
    if (final) {
      for (const [name, value, raw] of progress.values) {
        if (state.recorded.has(name)) continue;
        state.recorded.add(name);
        this.emit(at, name, value, state.epoch, raw);
      }
      state.ended = true;
      state.finalCount = progress.count;
    } else if (this.perBatch) {
      // A running average part way through the epoch sits at that fraction of it.
      const epoch = state.epoch !== undefined && progress.total > 0 ? state.epoch - 1 + progress.done / progress.total : state.epoch;
      for (const [name, value, raw] of progress.values) this.emit(at, name, value, epoch, raw);
    }
    return true;
  }

  private header(text: string, at: LineContext): boolean {
    const match = epochHeader.exec(text);
    if (match === null) return false;
    this.startEpoch(Number(match[1]), at);
    return true;
  }

  private startEpoch(epoch: number, at: LineContext): void {
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
      state = { epoch: undefined, recorded: new Set(), finalCount: undefined, ended: false };
      this.states.set(key, state);
    }
    return state;
  }
}
