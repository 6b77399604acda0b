// Hands each assembled line to the formats that could read it. Most lines of a log are plain text: a look at a
// few bytes rules the specific formats out before anything is decoded, and the text reader gets what they leave.

import { BarTracker } from './formats/bars.js';
import { parseBoostingLine } from './formats/boosting.js';
import { ExactNames } from './formats/exact-names.js';
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
import { CurrentLine, endsWithBracket, gluedMetricObject, isDigit, isEpochWord, mayBeTableRow, mayStartKeras, onlyTextReads } from './line-tests.js';
import type { AssembledLine, LineConsumer } from './terminal/assembler.js';
import { embeddedMetricObject, objectEnd } from './text/embedded-object.js';
import { HintTracker } from './text/hint.js';
import { type TextPointPrinter, TextReader } from './text/reader.js';
import { type FormatName, formatNames, type ParseOptions } from './types.js';

const SPACE = 0x20;
const TAB = 0x09;
/** How deep the pieces of glued lines may nest. */
const MAX_PIECES = 4;

/** What readBar found: a bar (or a line only the text can tell about), or a line no specific format reads. */
const TAKEN = 1;
const NONE = 2;
const UNSURE = 3;

/** Routes assembled lines to the log formats. */
export class MetricRouter implements LineConsumer {
  /** Which reader took the last line (`json`, `keras`, `tqdm`, `text`, ...), or '' when none did: for `--explain`. */
  lastReader = '';
  /** Keeps the best candidate line while no point has been found (see text/hint.ts). */
  readonly hint = new HintTracker();
  readonly text: TextReader;
  private readonly use: Record<FormatName, boolean>;
  private readonly perBatch: boolean;
  private readonly out: MetricOutput;
  private readonly keras: KerasParser;
  private readonly bars: BarTracker;
  private readonly exact = new ExactNames();
  private readonly patterns: PatternMatcher | undefined;
  private readonly readBytes: boolean;
  private readonly current = new CurrentLine();
  private readonly fields: MetricFields = { name: '', value: 0, step: undefined, epoch: undefined, context: undefined };
  private readonly dict = dictRanges();
  private readonly dictNames = new NameSlots();
  private readonly tqdm = new TqdmBytesReader();
  /** Per rank, the line of the last rich bar, whose wrapped values may follow on the next line. */
  private readonly richBarLines = new Map<number, number>();
  private info: AssembledLine | undefined;
  private pieces = 0;

  /**
   * `direct`, when given, may print a JSON metric line of the common shape itself (see jsonl-printer.ts), in
   * place of the points the router would make of it. `readBytes: false` decodes every line and reads its text
   * (what the byte readers must agree with; user patterns always need the text).
   */
  constructor(
    out: MetricOutput,
    options: ParseOptions,
    private readonly direct?: {
      jsonLine(buf: Buffer, start: number, end: number, at: LineContext): boolean;
      dictLine(buf: Buffer, start: number, end: number, at: LineContext): boolean;
      /** Prints the generic text reader's points. */
      textPoints?: TextPointPrinter;
      exact?: ExactNames;
    },
    readBytes = true,
  ) {
    const enabled = new Set(options.formats ?? formatNames);
    this.use = Object.fromEntries(formatNames.map((name) => [name, enabled.has(name)])) as Record<FormatName, boolean>;
    this.perBatch = options.perBatch === true;
    const exact = this.exact;
    // Every format's points but the bars' are exact; a bar's copy of a name printed exactly is dropped.
    this.out = {
      metric: (metric) => {
        exact.add(metric.rank, metric.name);
        out.metric(metric);
      },
      warning: (line, message) => out.warning(line, message),
      keepsValueText: out.keepsValueText,
    };
    const barOut: MetricOutput = {
      metric: (metric) => {
        if (!exact.has(metric.rank, metric.name)) out.metric(metric);
      },
      warning: (line, message) => out.warning(line, message),
      keepsValueText: out.keepsValueText,
    };
    if (direct !== undefined) direct.exact = exact;
    this.text = new TextReader(
      this.out,
      this.hint,
      (buf, start, end) => this.piece(buf, start, end),
      { lines: this.use.text, tables: this.use.table },
      direct?.textPoints,
    );
    this.keras = new KerasParser(this.out, this.perBatch, (epoch, at) => this.text.startEpoch(at.rank, epoch));
    this.bars = new BarTracker(barOut, this.perBatch);
    this.patterns = options.patterns !== undefined && options.patterns.length > 0 ? new PatternMatcher(options.patterns) : undefined;
    this.readBytes = readBytes && this.patterns === undefined;
  }

  line(buf: Buffer, start: number, end: number, info: AssembledLine): void {
    this.info = info;
    this.lastReader = '';
    let at = start;
    while (at < end && (buf[at] === SPACE || buf[at] === TAB)) at++;
    if (at === end) return;
    if (this.text.tables.active && !info.partial && !info.truncated && mayBeTableRow(buf, at)) {
      this.current.set(buf, info);
      if (this.text.tables.row(buf.toString('utf8', at, end), this.current)) {
        this.lastReader = 'table';
        return;
      }
    }
    if (!this.mayHoldMetrics(buf, at, end, info)) {
      this.readText(buf, at, end, info);
      return;
    }
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
      } else if (first === 0x5b && !info.partial && onlyTextReads(buf, at, end)) {
        this.readText(buf, at, end, info);
        return;
      } else if (first !== 0x5b || info.partial) {
        if (this.use.keras && mayStartKeras(first)) {
          const read = this.keras.lineBytes(buf, at, end, this.current);
          if (read === true) {
            this.lastReader = 'keras';
            return;
          }
          kerasDone = read === false;
        } else kerasDone = true;
        if (kerasDone) {
          const bar = this.readBar(buf, at, end, info);
          if (bar === TAKEN) return;
          if (bar === NONE) {
            this.readText(buf, at, end, info);
            return;
          }
        }
      }
    }
    // Keras lines start with a digit or `Epoch` (after blanks): a line starting with another printable byte is not one.
    if (!mayStartKeras(buf[at] as number)) kerasDone = true;
    if (!this.read(buf.toString('utf8', at, end), this.current, kerasDone, buf, at, end)) this.readText(buf, at, end, info);
  }

  /** The stream ended: bars give their last values. */
  end(): void {
    this.bars.end();
  }

  /** A look at the line's bytes: could any format but the text reader read it? */
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

  /** A line no specific format took: the text reader's (generic lines, tables, and epoch headers for patterns). */
  private readText(buf: Buffer, at: number, end: number, info: AssembledLine): void {
    if (info.partial || info.truncated || !(this.use.text || this.use.table || this.patterns !== undefined)) return;
    this.current.set(buf, info);
    if (this.text.line(buf, at, end, this.current)) this.lastReader = 'text';
  }

  /** Bytes that are a piece of a glued line, read as a line of their own. */
  private piece(buf: Buffer, start: number, end: number): void {
    const info = this.info;
    if (info === undefined || this.pieces >= MAX_PIECES) return;
    this.pieces++;
    try {
      this.line(buf, start, end, info);
    } finally {
      this.pieces--;
      this.info = info;
    }
  }

  /**
   * Objects glued by several writers: `{...}{...}` back to back, or one `{"metric": ...}` landed inside another's
   * line. Each piece is read; true when the line was such.
   */
  private readGlued(buf: Buffer, start: number, end: number): boolean {
    if (this.pieces >= MAX_PIECES) return false;
    const first = objectEnd(buf, start, end);
    let next = first;
    while (next > 0 && next < end && buf[next] === SPACE) next++;
    if (first > 0 && next < end && buf[next] === 0x7b) {
      this.piece(buf, start, first);
      this.piece(buf, next, end);
      return true;
    }
    const inner = embeddedMetricObject(buf, start, end);
    if (inner === undefined) return false;
    this.piece(buf, inner[0], inner[1]);
    const rest = Buffer.concat([buf.subarray(start, inner[0]), buf.subarray(inner[1], end)]);
    this.piece(rest, 0, rest.length);
    return true;
  }

  /** A JSON metric line or a Hugging Face dict of the common shape, read from its bytes; false: read the text. */
  private readObject(buf: Buffer, at: number, end: number): boolean {
    let second = at + 1;
    while (buf[second] === SPACE) second++;
    if (buf[second] === 0x22) {
      const read = this.use.json && (this.direct?.jsonLine(buf, at, end, this.current) || this.readCommonJson(buf, at, end));
      if (read) this.lastReader = 'json';
      return read;
    }
    if (buf[second] !== 0x27 || !this.use.hf) return false;
    const read =
      this.direct !== undefined
        ? this.direct.dictLine(buf, at, end, this.current)
        : parseHfDictBytes(buf, at, end, this.dict, this.dictNames, this.current, this.out);
    if (read) this.lastReader = 'hf';
    return read;
  }

  /** Bars, read from bytes where that is exact: TAKEN, NONE (no specific format reads it), or UNSURE (read the text). */
  private readBar(buf: Buffer, at: number, end: number, info: AssembledLine): number {
    const use = this.use;
    const richLine = use.lightning ? this.richBarLines.get(info.rank ?? -1) : undefined;
    if ((use.lightning && mayBeRichBar(buf, at, end)) || (richLine !== undefined && info.line - richLine <= 1)) return UNSURE;
    if (!use.tqdm) return NONE;
    const bar = this.tqdm.read(buf, at, end);
    if (bar === undefined) return UNSURE;
    if (bar === null) return NONE;
    this.bars.update(bar, this.current);
    this.lastReader = 'tqdm';
    return TAKEN;
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

  /** Reads the decoded line; `kerasDone`: Keras has read its bytes already, and found it is not its. True when a format took it. */
  private read(text: string, at: CurrentLine, kerasDone: boolean, buf: Buffer, start: number, end: number): boolean {
    const use = this.use;
    if (!at.partial) {
      if (this.patterns?.line(text, at, this.out, this.text.carriedX(at.rank))) return this.took('pattern');
      const first = text.charCodeAt(0);
      if (first === 0x7b) {
        if (this.readGlued(buf, start, end)) return true;
        let i = 1;
        while (text.charCodeAt(i) === SPACE) i++;
        // `{"` may be a metric object; `{'` is a Python dict (Hugging Face, or a metric object printed), never JSON.
        const quote = text.charCodeAt(i);
        if (quote === 0x22 && use.json && parseJsonMetricLine(text, at, this.out)) return this.took('json');
        return (quote === 0x27 || quote === 0x22) && parseDictLine(text, at, this.out, use) && this.took('hf');
      }
      if (first === 0x5b && (use.xgboost || use.lightgbm) && parseBoostingLine(text, at, this.out, use)) return this.took('boosting');
    }
    if (use.keras && !kerasDone && this.keras.line(text, at)) return this.took('keras');
    if (use.lightning && this.readLightning(text, at)) return this.took('lightning');
    if (use.tqdm) {
      const bar = readTqdmBar(text);
      if (bar !== undefined) {
        this.bars.update(bar, at);
        return this.took('tqdm');
      }
    }
    return false;
  }

  private took(reader: string): true {
    this.lastReader = reader;
    return true;
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
