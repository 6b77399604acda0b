// Hands each assembled line to the formats that could read it. Most lines of a log are plain text: a look at a
// few bytes rules them out before anything is decoded.

import { BarTracker } from './formats/bars.js';
import { parseBoostingLine } from './formats/boosting.js';
import { parseDictLine, parseHfDictBytes } from './formats/hf.js';
import { dictRanges } from './formats/hf-bytes.js';
import { jsonPoint, parseJsonMetricLine } from './formats/json.js';
import { type MetricFields, readMetricBytes } from './formats/json-bytes.js';
import { KerasParser } from './formats/keras.js';
import { lightningFamily, mayBeRichBar, readRichBar, readWrappedValues } from './formats/lightning.js';
import type { LineContext, MetricOutput } from './formats/line.js';
import { NameSlots } from './formats/names.js';
import { PatternMatcher } from './formats/pattern.js';
import { readTqdmBar } from './formats/tqdm.js';
import { TqdmBytesReader } from './formats/tqdm-bytes.js';
import { timestampValue } from './prefix.js';
import type { AssembledLine, LineConsumer } from './terminal/assembler.js';
import { type FormatName, formatNames, type ParseOptions } from './types.js';

const SPACE = 0x20;
const TAB = 0x09;

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/** `Epoch` or `epoch` at `at`. */
function isEpochWord(buf: Buffer, at: number): boolean {
  return (buf[at] === 0x45 || buf[at] === 0x65) && buf[at + 1] === 0x70 && buf[at + 2] === 0x6f && buf[at + 3] === 0x63 && buf[at + 4] === 0x68;
}

/** Not a character that String.prototype.trim could remove (ASCII whitespace, or a non-ASCII one perhaps). */
const isPlainAscii = (b: number | undefined) => b !== undefined && b > 0x20 && b < 0x80;

/** The first character of a Keras line after trimming: a digit, or `E` of `Epoch`. */
function mayStartKeras(first: number): boolean {
  return (first >= 0x30 && first <= 0x39) || first === 0x45 || !isPlainAscii(first);
}

/** The line's last non-space byte is `]`, as a tqdm bar's. */
function endsWithBracket(buf: Buffer, start: number, end: number): boolean {
  let i = end - 1;
  while (i > start && (buf[i] === SPACE || buf[i] === TAB)) i--;
  return buf[i] === 0x5d;
}

/** `{"metric"` as bytes. */
const METRIC_OBJECT = Buffer.from('{"metric"');

/**
 * Where a JSON metric object starts that ends the line after other text (`12/50 [===>...] - loss: 0.7{"metric": ...}`,
 * a bar redrawn without a newline before a print), or -1. Only lines ending in `}` are searched, within the line.
 */
function gluedMetricObject(buf: Buffer, start: number, end: number): number {
  let last = end - 1;
  while (last > start && (buf[last] === SPACE || buf[last] === TAB)) last--;
  if (buf[last] !== 0x7d) return -1;
  const key = METRIC_OBJECT;
  for (let i = last - key.length; i > start; i--) {
    if (buf[i] !== 0x7b) continue;
    let k = 1;
    while (k < key.length && buf[i + k] === key[k]) k++;
    if (k === key.length) return i;
  }
  return -1;
}

/** The line being read, as formats see it. Its timestamp is decoded only when a point needs it. */
class CurrentLine implements LineContext {
  line = 0;
  rank: number | undefined;
  partial = false;
  private info: AssembledLine | undefined;
  private buf: Buffer | undefined;
  private time: number | undefined;
  private timeRead = false;

  set(buf: Buffer, info: AssembledLine): void {
    this.buf = buf;
    this.info = info;
    this.line = info.line;
    this.rank = info.rank;
    this.partial = info.partial;
    this.timeRead = false;
  }

  timestamp(): number | undefined {
    if (!this.timeRead) {
      const info = this.info as AssembledLine;
      this.time = info.timestamp ?? (info.tsEnd > 0 ? timestampValue((this.buf as Buffer).toString('latin1', info.tsStart, info.tsEnd)) : undefined);
      this.timeRead = true;
    }
    return this.time;
  }
}

/** Routes assembled lines to the log formats. */
export class MetricRouter implements LineConsumer {
  private readonly use: Record<FormatName, boolean>;
  private readonly perBatch: boolean;
  private readonly keras: KerasParser;
  private readonly bars: BarTracker;
  private readonly patterns: PatternMatcher | undefined;
  private readonly readBytes: boolean;
  private readonly current = new CurrentLine();
  private readonly fields: MetricFields = { name: '', value: 0, step: undefined, epoch: undefined, context: undefined };
  private readonly dict = dictRanges();
  private readonly dictNames = new NameSlots();
  private readonly tqdm = new TqdmBytesReader();
  /** Per rank, the line of the last rich bar, whose wrapped values may follow on the next line. */
  private readonly richBarLines = new Map<number, number>();

  /**
   * `direct`, when given, may print a JSON metric line of the common shape itself (see jsonl-printer.ts), in
   * place of the points the router would make of it. `readBytes: false` decodes every line and reads its text
   * (what the byte readers must agree with; user patterns always need the text).
   */
  constructor(
    private readonly out: MetricOutput,
    options: ParseOptions,
    private readonly direct?: {
      jsonLine(buf: Buffer, start: number, end: number, at: LineContext): boolean;
      dictLine(buf: Buffer, start: number, end: number, at: LineContext): boolean;
    },
    readBytes = true,
  ) {
    const enabled = new Set(options.formats ?? formatNames);
    this.use = Object.fromEntries(formatNames.map((name) => [name, enabled.has(name)])) as Record<FormatName, boolean>;
    this.perBatch = options.perBatch === true;
    this.keras = new KerasParser(out, this.perBatch);
    this.bars = new BarTracker(out, this.perBatch);
    this.patterns = options.patterns !== undefined && options.patterns.length > 0 ? new PatternMatcher(options.patterns) : undefined;
    this.readBytes = readBytes && this.patterns === undefined;
  }

  line(buf: Buffer, start: number, end: number, info: AssembledLine): void {
    let at = start;
    while (at < end && (buf[at] === SPACE || buf[at] === TAB)) at++;
    if (at === end || !this.mayHoldMetrics(buf, at, end, info)) return;
    if (!info.partial && !info.truncated && this.use.json && buf[at] !== 0x7b) {
      // A metric object printed while a progress bar was on screen ends up on the bar's line: read both.
      const glued = gluedMetricObject(buf, at, end);
      if (glued !== -1) {
        this.line(buf, at, glued, info);
        this.line(buf, glued, end, info);
        return;
      }
    }
    if (info.truncated) {
      // Only what starts like a metric line is worth a word; a long line of anything else is just output.
      if (!info.partial) this.out.warning(info.line, 'rejected: longer than 64 KiB, not parsed for metrics');
      return;
    }
    this.current.set(buf, info);
    // Read from bytes where that is exact; decode only lines some format must read as text.
    let kerasDone = false;
    if (this.readBytes) {
      const first = buf[at] as number;
      if (first === 0x7b) {
        if (!info.partial && this.readObject(buf, at, end)) return;
      } else if (first !== 0x5b || info.partial) {
        if (this.use.keras && mayStartKeras(first)) {
          const read = this.keras.lineBytes(buf, at, end, this.current);
          if (read === true) return;
          kerasDone = read === false;
        } else kerasDone = true;
        if (kerasDone && this.readBar(buf, at, end, info)) return;
      }
    }
    this.read(buf.toString('utf8', at, end), this.current, kerasDone);
  }

  /** The stream ended: bars give their last values. */
  end(): void {
    this.bars.end();
  }

  /** A look at the line's bytes: could any format read it? */
  private mayHoldMetrics(buf: Buffer, at: number, end: number, info: AssembledLine): boolean {
    if (info.partial) return this.perBatch || isEpochWord(buf, at) || endsWithBracket(buf, at, end);
    if (this.patterns !== undefined) return true;
    const first = buf[at];
    if (first === 0x7b) return true;
    if (first === 0x5b) return isDigit(buf[at + 1]);
    if (isDigit(first)) {
      let i = at + 1;
      while (i < end && isDigit(buf[i])) i++;
      const next = buf[i];
      return next === 0x2f || next === 0x73 || next === 0x25 || next === 0x6d || next === 0x68 || endsWithBracket(buf, at, end);
    }
    if (isEpochWord(buf, at) || endsWithBracket(buf, at, end)) return true;
    const richLine = this.richBarLines.get(info.rank ?? -1);
    return richLine !== undefined && info.line - richLine <= 1;
  }

  /** A JSON metric line or a Hugging Face dict of the common shape, read from its bytes; false: read the text. */
  private readObject(buf: Buffer, at: number, end: number): boolean {
    let second = at + 1;
    while (buf[second] === SPACE) second++;
    if (buf[second] === 0x22) return this.use.json && (this.direct?.jsonLine(buf, at, end, this.current) || this.readCommonJson(buf, at, end));
    if (buf[second] !== 0x27 || !this.use.hf) return false;
    if (this.direct !== undefined) return this.direct.dictLine(buf, at, end, this.current);
    return parseHfDictBytes(buf, at, end, this.dict, this.dictNames, this.current, this.out);
  }

  /** Bars, read from bytes where that is exact. True when the line has been read (or no format could read it). */
  private readBar(buf: Buffer, at: number, end: number, info: AssembledLine): boolean {
    const use = this.use;
    const richLine = use.lightning ? this.richBarLines.get(info.rank ?? -1) : undefined;
    if ((use.lightning && mayBeRichBar(buf, at, end)) || (richLine !== undefined && info.line - richLine <= 1)) return false;
    if (!use.tqdm) return true;
    const bar = this.tqdm.read(buf, at, end);
    if (bar === undefined) return false;
    if (bar !== null) this.bars.update(bar, this.current);
    return true;
  }

  /** The common JSON metric line, read from its bytes: most lines of a JSON-logging job. */
  private readCommonJson(buf: Buffer, start: number, end: number): boolean {
    const fields = this.fields;
    if (!readMetricBytes(buf, start, end, fields)) return false;
    const { name, value, step, epoch, context } = fields;
    if (name.trim() === '' || (step !== undefined && !Number.isSafeInteger(step)) || (epoch !== undefined && !Number.isFinite(epoch))) return false;
    this.out.metric(jsonPoint(this.current, name, value, step, epoch, context, undefined));
    return true;
  }

  /** Reads the decoded line; `kerasDone`: Keras has read its bytes already, and found it is not its. */
  private read(text: string, at: CurrentLine, kerasDone: boolean): void {
    const use = this.use;
    if (!at.partial) {
      if (this.patterns?.line(text, at, this.out)) return;
      const first = text.charCodeAt(0);
      if (first === 0x7b) {
        let i = 1;
        while (text.charCodeAt(i) === SPACE) i++;
        // `{"` may be a metric object; `{'` is a Python dict (Hugging Face, or a metric object printed), never JSON.
        const quote = text.charCodeAt(i);
        if (quote === 0x22 && use.json && parseJsonMetricLine(text, at, this.out)) return;
        if (quote === 0x27 || quote === 0x22) parseDictLine(text, at, this.out, use);
        return;
      }
      if (first === 0x5b && (use.xgboost || use.lightgbm) && parseBoostingLine(text, at, this.out, use)) return;
    }
    if (use.keras && !kerasDone && this.keras.line(text, at)) return;
    if (use.lightning && this.readLightning(text, at)) return;
    if (use.tqdm) {
      const bar = readTqdmBar(text);
      if (bar !== undefined) this.bars.update(bar, at);
    }
  }

  private readLightning(text: string, at: CurrentLine): boolean {
    const rank = at.rank ?? -1;
    const bar = readRichBar(text);
    if (bar !== undefined) {
      if (this.richBarLines.size >= 1024) this.richBarLines.clear();
      this.richBarLines.set(rank, at.line);
      this.bars.update(bar, at);
      return true;
    }
    const richLine = this.richBarLines.get(rank);
    if (richLine === undefined || at.line - richLine > 1) return false;
    const values = readWrappedValues(text);
    return values !== undefined && this.bars.addValues('lightning', lightningFamily, values, at);
  }
}
