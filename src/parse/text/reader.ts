// The generic metric-line reader: lines that no other format took, read as name/value pairs with the epoch or
// step from markers on the line or carried from an earlier one. Precision first: a line gives points only when it
// has an epoch or step marker or a metric word in a name (loss, acc, ppl, lr, ...), and an item that reads as a
// sentence, a configuration printed (`amp=True, epochs=10`), a date, a version or a path gives nothing.
import type { LineContext, MetricOutput } from '../formats/line.js';
import { metricOn } from '../formats/line.js';
import { NameSlots } from '../formats/names.js';
import { readPythonDict } from '../formats/python-dict.js';
import { BoxTable } from './box-table.js';
import { embeddedMetricObject } from './embedded-object.js';
import type { HintTracker } from './hint.js';
import { type LineMarkers, readMarkers } from './markers.js';
import { COLON_PAIR, EQUALS_PAIR, Pairs, readPairs, SPACE_PAIR, UNNAMED } from './pairs.js';
import { CANNOT_GIVE, HAS_BRACE, HAS_DIGIT, HAS_HASH, lookAtLine, mayGiveText, WORDS_IN_A_ROW } from './prescan.js';
import { LineShapes, type Shape } from './shapes.js';
import { Tables } from './tables.js';
import { Tokens, tokenize } from './tokens.js';
import { skipLogPrefix, unitOfName, unnamedName } from './wording.js';
import { CONTEXTS, contextOf, EPOCH, METRIC, nameFlags, STEP } from './words.js';

/** What the stream said last, per rank: the x of lines that print none, and the context of lines that print none. */
interface Carried {
  epoch: number | undefined;
  step: number | undefined;
  /** The context the last line read named, for a line that names none and has no marker of its own. */
  context: string | undefined;
}

/** Why the last line gave no point, for `runmeter parse --explain`. */
export type TextVerdict =
  | 'not read'
  | 'points'
  | 'header'
  | 'no number'
  | 'no marker or metric word'
  | 'no name/value pairs'
  | 'a sentence'
  | 'a configuration'
  | 'pairs without an epoch/step marker or a metric word';

/** Prints the text reader's points itself, in place of point objects (`runmeter parse --jsonl`, jsonl-printer.ts). */
export interface TextPointPrinter {
  /**
   * A point: `buf[valueStart, valueEnd)` is its value's text as the point keeps it (valueStart -1 when it keeps
   * none: a percentage worked out, or a number with a unit); `unit` the unit it goes with, if any.
   */
  textPoint(
    name: string,
    /** The point's place on its line (names repeat at their places line after line). */
    slot: number,
    value: number,
    buf: Buffer,
    valueStart: number,
    valueEnd: number,
    /** The number as printed, without its unit (-1 for a percentage worked out). */
    numberStart: number,
    numberEnd: number,
    context: string,
    epoch: number | undefined,
    step: number | undefined,
    unit: string | undefined,
    at: LineContext,
  ): void;
}

const MAX_RANKS = 1024;
const MAX_GLUED = 8;

/** Reads the lines other formats left, for one stream. */
export class TextReader {
  /** Why the last line read gave what it gave. */
  verdict: TextVerdict = 'no number';
  readonly tables: Tables;
  private readonly box: BoxTable;
  private readonly t = new Tokens();
  private readonly m: LineMarkers = { epoch: undefined, step: undefined, position: undefined, context: undefined, epochAt: -1, stepAt: -1, positionAt: -1 };
  private readonly p = new Pairs();
  /** The shapes of the lines that gave points, by which later lines are read without tokenizing them. */
  private readonly shapes = new LineShapes();
  private readonly carried = new Map<number, Carried>();
  private readonly names = new NameSlots();
  private readonly units = new NameSlots();
  /** Per place on a line, the name last read there and the unit that name gives (names repeat line after line). */
  private readonly unitNames: Array<string | undefined> = [];
  private readonly nameUnits: Array<string | undefined> = [];
  /** `unitOfName` of each name seen ('' for none), for names that move from place to place. */
  private readonly unitsOfNames = new Map<string, string>();
  private depth = 0;

  constructor(
    private readonly out: MetricOutput,
    private readonly hint: HintTracker,
    /** Reads bytes as a line of their own, by every format (the pieces of lines that other processes' output split). */
    private readonly readPiece: (buf: Buffer, start: number, end: number) => void,
    /** Which of its readers are on: name/value lines, tables. Epoch headers are followed either way (for patterns). */
    private readonly use: { lines: boolean; tables: boolean },
    /** When given, prints the points of name/value lines itself. */
    private readonly printer?: TextPointPrinter,
  ) {
    this.tables = new Tables(out);
    this.box = new BoxTable(out);
  }

  /** The epoch a header another format read (Keras's `Epoch 3/10`) starts. */
  startEpoch(rank: number | undefined, epoch: number): void {
    const state = this.state(rank);
    state.epoch = epoch;
    state.step = undefined;
  }

  /** The epoch and step carried to a line that prints none (for user patterns). */
  carriedX(rank: number | undefined): Carried | undefined {
    return this.carried.get(rank ?? -1);
  }

  /** Reads the line `buf[start, end)`; true when it gave points or was a header. */
  line(buf: Buffer, start: number, end: number, at: LineContext): boolean {
    if (this.use.tables && BoxTable.mayBe(buf, start, end) && this.box.line(buf.toString('utf8', start, end), at)) return this.done('points');
    const from = skipLogPrefix(buf, start, end);
    // Where the hint keeps lines (and --explain wants each line's verdict) every line is read in full.
    const shaped = this.use.lines && !(this.hint.active && this.hint.keeping);
    if (shaped) {
      const shape = this.shapes.match(buf, from, end, this.t);
      if (shape !== undefined) {
        this.shapes.replay(shape, from, this.t, this.m, this.p);
        this.emit(buf, at, shape);
        return this.done('points');
      }
    }
    // A line that cannot give anything is not tokenized, except for the hint (and --explain, which keeps it).
    const scan = lookAtLine(buf, from, end, this.hint.active, this.hint.keeping, this.use.tables);
    if (scan & CANNOT_GIVE) return this.done('no marker or metric word');
    if (!(scan & (HAS_DIGIT | HAS_BRACE))) {
      // A table's header names its epoch or step column (`epoch`, `Epoch`, spaCy's `E` and `#`).
      if (this.use.tables && scan & (EPOCH | STEP | HAS_HASH) && this.tables.header(buf.toString('utf8', from, end))) return this.done('header');
      return this.done('no number');
    }
    // Only lines that can give something are worth their tokens: the same exact check as for `parse --jsonl`, so
    // that a run records what `parse` reads (`total_loss: 0.3`, timm's `Train: 0 [ 5/10 ( 50%)]` lines). While the
    // stream has given no point, every line with digits is tokenized, for the hint.
    // A line without a metric word whose words run on (`worker 3 prefetched batch 12`) is a sentence, as before.
    if (!this.hint.active && !(scan & (METRIC | HAS_BRACE)) && scan & WORDS_IN_A_ROW) return this.done('a sentence');
    if (!this.hint.active && !(scan & HAS_BRACE) && !mayGiveText(buf, from, end)) return this.done('no marker or metric word');
    const t = this.t;
    tokenize(buf, from, end, t);
    if (t.glueAt >= 0 && this.depth < MAX_GLUED) return this.glued(buf, from, t.glueAt, end, at);
    if (scan & HAS_BRACE && this.embedded(buf, from, end)) return true;
    if (t.numbers === 0 && !(scan & HAS_BRACE)) return this.done('no number');
    const m = this.m;
    const p = this.p;
    const marked = readMarkers(t, m);
    readPairs(t, p);
    if (!this.use.lines && !(p.count === 0 && marked)) return this.done('no name/value pairs');
    // A line that is a dict is the JSON and Hugging Face readers' to judge; one after a prefix or marker is read here.
    if (p.brace >= 0) return p.brace > 0 ? this.dict(buf, t.start[p.brace] as number, end, marked, at) : this.done('no name/value pairs');
    if (p.count === 0) {
      if (marked && !p.prose && p.notNumbers === 0) {
        this.header(at.rank);
        return this.done('header');
      }
      return this.done(p.prose ? 'a sentence' : 'no name/value pairs');
    }
    if (p.notNumbers >= 2 && p.notNumbers >= p.count) return this.done('a configuration');
    if (!marked && !p.metricNames) {
      if (this.hint.active && this.hint.keeping) this.hint.offer(buf.toString('utf8', start, end), at.line, p.count, this.separators());
      return this.done('pairs without an epoch/step marker or a metric word');
    }
    this.emit(buf, at);
    if (shaped && !(scan & HAS_BRACE) && t.glueAt < 0) this.shapes.keep(buf, from, end, t, m, p);
    return this.done('points');
  }

  private done(verdict: TextVerdict): boolean {
    this.verdict = verdict;
    return verdict === 'points' || verdict === 'header';
  }

  /** Two lines glued by another writer (`loss 0.5epoch 2 loss 0.4`): each read. */
  private glued(buf: Buffer, start: number, glue: number, end: number, at: LineContext): boolean {
    this.depth++;
    try {
      const first = this.line(buf, start, glue, at);
      const second = this.line(buf, glue, end, at);
      return this.done(first || second ? 'points' : this.verdict);
    } finally {
      this.depth--;
    }
  }

  /** A `{"metric": ...}` object inside the line (another process's line landed in this one): both read. */
  private embedded(buf: Buffer, start: number, end: number): boolean {
    const found = embeddedMetricObject(buf, start, end);
    if (found === undefined) return false;
    const [objectStart, objectEnd] = found;
    this.readPiece(buf, objectStart, objectEnd);
    const rest = Buffer.concat([buf.subarray(start, objectStart), buf.subarray(objectEnd, end)]);
    this.readPiece(rest, 0, rest.length);
    return this.done('points');
  }

  /** A line of markers alone (`-- Epoch 3`, `Epoch 1 / 6`, `Step 100:`): later lines are at its epoch and step. */
  private header(rank: number | undefined): void {
    const m = this.m;
    const state = this.state(rank);
    if (m.epoch !== undefined) {
      state.epoch = m.epoch;
      state.step = m.step;
    } else if (m.step !== undefined) state.step = m.step;
    state.context = m.context;
  }

  /** The x and context of the line's points, from its markers or carried from earlier lines; updates what is carried. */
  private lineX(
    rank: number | undefined,
    labelContext: string | undefined,
  ): { epoch: number | undefined; step: number | undefined; context: string | undefined } {
    const m = this.m;
    const state = this.state(rank);
    const own = m.context ?? labelContext;
    const marked = m.epoch !== undefined || m.step !== undefined || m.position !== undefined;
    const context = own ?? (marked ? undefined : state.context);
    state.context = own;
    if (m.epoch !== undefined) {
      if (m.epoch !== state.epoch) state.step = undefined;
      state.epoch = m.epoch;
    }
    if (m.step !== undefined) state.step = m.step;
    const epoch = m.epoch ?? state.epoch;
    const step = m.step ?? m.position ?? (m.epoch === undefined ? state.step : undefined);
    return { epoch, step, context };
  }

  /** Gives the points of the line's pairs; `shape`, when the line was read by its shape, keeps what its bytes decide. */
  private emit(buf: Buffer, at: LineContext, shape?: Shape): void {
    const p = this.p;
    const t = this.t;
    const { epoch, step, context } = this.lineX(at.rank, contextOf(p.labelFlags));
    const keepText = this.out.keepsValueText === true;
    const printer = this.printer;
    const described = shape?.described === true;
    for (let i = 0; i < p.count; i++) {
      const token = p.token[i] as number;
      const unitStart = t.unitStart[token] as number;
      let name: string | undefined;
      let nameContext: string | undefined;
      let pointUnit: string | undefined;
      if (described) {
        name = shape.names[i];
        nameContext = shape.nameContexts[i];
        pointUnit = shape.units[i];
      } else {
        const unit = p.percent[i] ? '%' : unitStart >= 0 ? this.units.name(buf, unitStart, t.unitEnd[token] as number, i) : undefined;
        if (p.kind[i] === UNNAMED) name = unnamedName(unit as string);
        else name = this.names.name(buf, p.nameStart[i] as number, p.nameEnd[i] as number, i);
        nameContext = contextOf((p.nameFlags[i] as number) & CONTEXTS);
        pointUnit = name === undefined ? undefined : (unit ?? this.unitOfName(name, i));
        if (shape !== undefined) {
          shape.names[i] = name;
          shape.nameContexts[i] = nameContext;
          shape.units[i] = pointUnit;
        }
      }
      if (name === undefined) continue;
      if (printer !== undefined) {
        const printed = !p.percent[i] && unitStart < 0;
        const start = printed ? (t.start[token] as number) : -1;
        const end = printed ? (t.end[token] as number) : -1;
        const numberStart = p.percent[i] ? -1 : (t.start[token] as number);
        const numberEnd = unitStart >= 0 && unitStart < (t.end[token] as number) ? unitStart : (t.end[token] as number);
        printer.textPoint(
          name,
          i,
          p.value[i] as number,
          buf,
          start,
          end,
          numberStart,
          numberEnd,
          nameContext ?? context ?? 'training',
          epoch,
          step,
          pointUnit,
          at,
        );
        continue;
      }
      const text = keepText && !p.percent[i] && unitStart < 0 ? buf.toString('latin1', t.start[token] as number, t.end[token] as number) : undefined;
      const point = metricOn(at, 'text', name, p.value[i] as number, nameContext ?? context ?? 'training', text);
      if (epoch !== undefined) point.epoch = epoch;
      if (step !== undefined) point.step = step;
      point.unit = pointUnit;
      this.out.metric(point);
    }
    if (shape !== undefined) shape.described = true;
  }

  /** `unitOfName(name)`, kept per place on a line. */
  private unitOfName(name: string, slot: number): string | undefined {
    if (this.unitNames[slot] === name) return this.nameUnits[slot];
    let unit = this.unitsOfNames.get(name);
    if (unit === undefined) {
      unit = unitOfName(name) ?? '';
      if (this.unitsOfNames.size >= 4096) this.unitsOfNames.clear();
      this.unitsOfNames.set(name, unit);
    }
    const found = unit === '' ? undefined : unit;
    if (slot < 64) {
      this.unitNames[slot] = name;
      this.nameUnits[slot] = found;
    }
    return found;
  }

  /** `epoch 0: {'accuracy': 0.75, 'f1': 0.83}` (accelerate), `| INFO | train_inner | {"epoch": 1, "loss": "4.5"}` (fairseq). */
  private dict(buf: Buffer, start: number, end: number, marked: boolean, at: LineContext): boolean {
    const entries = readPythonDict(buf.toString('utf8', start, end));
    if (entries === undefined) return this.done('a sentence');
    let epochKey: number | undefined;
    let stepKey: number | undefined;
    let metricKey = false;
    let notNumbers = false;
    for (const { key, number } of entries) {
      if (number === undefined) {
        notNumbers = true;
        continue;
      }
      if (key === 'epoch') epochKey = number;
      else if (key === 'step' && Number.isSafeInteger(number)) stepKey = number;
      else if (nameFlags(Buffer.from(key), 0, Buffer.byteLength(key)) & METRIC) metricKey = true;
    }
    // As for Hugging Face dicts: text or booleans with no epoch or step make a configuration, not metrics.
    const hasX = marked || epochKey !== undefined || stepKey !== undefined;
    if (!hasX && notNumbers) return this.done('a configuration');
    if (!hasX && !metricKey) return this.done('pairs without an epoch/step marker or a metric word');
    const x = this.lineX(at.rank, contextOf(this.p.labelFlags));
    const epoch = epochKey ?? x.epoch;
    const step = stepKey ?? x.step;
    for (const { key, number, text } of entries) {
      if (number === undefined || key === 'epoch' || key === 'step' || key.trim() === '') continue;
      const flags = nameFlags(Buffer.from(key), 0, Buffer.byteLength(key));
      const point = metricOn(at, 'text', key, number, contextOf(flags & CONTEXTS) ?? x.context ?? 'training', text);
      if (epoch !== undefined) point.epoch = epoch;
      if (step !== undefined) point.step = step;
      this.out.metric(point);
    }
    return this.done('points');
  }

  /** The characters between names and values on the line (for the hint's pattern). */
  private separators(): string {
    let separators = '';
    for (let i = 0; i < this.p.count; i++) {
      const kind = this.p.kind[i];
      separators += kind === COLON_PAIR ? ':' : kind === EQUALS_PAIR ? '=' : kind === SPACE_PAIR ? ' ' : '';
    }
    return separators;
  }

  private state(rank: number | undefined): Carried {
    const key = rank ?? -1;
    let state = this.carried.get(key);
    if (state === undefined) {
      if (this.carried.size >= MAX_RANKS) this.carried.clear();
      state = { epoch: undefined, step: undefined, context: undefined };
      this.carried.set(key, state);
    }
    return state;
  }
}
