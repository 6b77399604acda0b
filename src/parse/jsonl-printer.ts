// `runmeter parse --jsonl` as bytes in, bytes out. A JSON metric line of the common shape is printed by copying
// its name and number text, never decoded or re-encoded; every other point goes through encodeMetricJson. The
// output is the same contract either way (a number may keep the digits it was printed with: 1e-05, 0.50).
import { contextFromName } from '../model/context.js';
import { encodeValue, type ParsedMetric } from '../model/point.js';
import { decodeName, isBlankRange, type MetricLineRanges, numberValue, scanMetricLine } from './formats/json-bytes.js';
import type { FoundMetric, LineContext } from './formats/line.js';
import { encodeMetricJson } from './jsonl.js';
import { MetricRouter } from './router.js';
import { LineAssembler } from './terminal/assembler.js';
import type { ParseOptions, ParseWarning } from './types.js';

const CAPACITY = 64 * 1024;

/** Prints a stream's points as JSON Lines: feed chunks, take the bytes each gives. */
export interface JsonlPrinter {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
  /** Points printed so far. */
  readonly points: number;
}

/** True when `text` is a JSON number as it stands (strict grammar, no more than two exponent digits, so finite). */
export function isJsonNumber(text: string): boolean {
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const digit = (at: number) => {
    const c = text.charCodeAt(at);
    return c >= 0x30 && c <= 0x39;
  };
  if (text.charCodeAt(i) === 0x30) i++;
  else if (digit(i)) while (digit(i)) i++;
  else return false;
  if (text.charCodeAt(i) === 0x2e) {
    if (!digit(++i)) return false;
    while (digit(i)) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    const sign = text.charCodeAt(++i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const from = i;
    while (digit(i)) i++;
    if (i === from || i - from > 2) return false;
  }
  return i === text.length;
}

function negativeZero(src: Buffer, start: number, end: number): boolean {
  return start >= 0 && src[start] === 0x2d && src[start + 1] === 0x30 && numberValue(src, start, end) === 0;
}

class JsonlOutput {
  points = 0;
  private buf = Buffer.allocUnsafe(CAPACITY);
  private pos = 0;
  private readonly r: MetricLineRanges = {
    nameStart: 0,
    nameEnd: 0,
    valueStart: 0,
    valueEnd: 0,
    stepStart: -1,
    stepEnd: -1,
    epochStart: -1,
    epochEnd: -1,
    contextStart: -1,
    contextEnd: -1,
    stepIsInteger: true,
    epochIsInteger: true,
    smallExponents: true,
    ascii: true,
  };
  private lastName = Buffer.alloc(64);
  private lastNameLength = -1;
  private lastContext = '';
  private lastEpoch = Number.NaN;
  private lastEpochJson = '';
  private readonly quotedCache = new Map<string, Buffer>();

  constructor(private readonly onWarning: (warning: ParseWarning) => void) {}

  metric(metric: ParsedMetric): void {
    if (metric.timestamp !== undefined || !Number.isSafeInteger(metric.line)) {
      const json = `${encodeMetricJson(metric)}\n`;
      this.reserve(json.length * 3);
      this.pos += this.buf.write(json, this.pos, 'utf8');
    } else {
      // The same text as encodeMetricJson, written straight into the output.
      const name = this.quoted(metric.name);
      const context = metric.context === undefined ? undefined : this.quoted(metric.context);
      this.reserve(name.length + (context?.length ?? 0) + 160);
      this.ascii('{"name":');
      this.bytes(name);
      this.ascii(',"value":');
      const text = (metric as FoundMetric).valueText;
      if (text !== undefined && isJsonNumber(text)) this.ascii(text);
      else this.ascii(Number.isFinite(metric.value) ? JSON.stringify(metric.value) : `"${encodeValue(metric.value)}"`);
      if (metric.step !== undefined) this.ascii(`,"step":${metric.step}`);
      if (metric.epoch !== undefined) {
        // The points of a line share their epoch: its text is kept.
        if (metric.epoch !== this.lastEpoch) {
          this.lastEpoch = metric.epoch;
          this.lastEpochJson = `,"epoch":${JSON.stringify(metric.epoch)}`;
        }
        this.ascii(this.lastEpochJson);
      }
      if (context !== undefined) {
        this.ascii(',"context":');
        this.bytes(context);
      }
      if (metric.rank !== undefined) this.ascii(`,"rank":${metric.rank}`);
      this.ascii(`,"line":${metric.line},"format":"${metric.format}"}\n`);
    }
    this.points++;
  }

  warning(line: number, message: string): void {
    this.onWarning({ line, message });
  }

  /** Prints a JSON metric line by copying its bytes; false when it is not of the common shape (the router reads it then). */
  jsonLine(src: Buffer, start: number, end: number, at: LineContext): boolean {
    const r = this.r;
    if (!scanMetricLine(src, start, end, r) || !r.ascii || !r.smallExponents || isBlankRange(src, r.nameStart, r.nameEnd)) return false;
    // Steps must be plain integers that doubles hold; an epoch like 2.0 is a step too: such lines take the long way.
    if (r.stepStart >= 0 && (!r.stepIsInteger || r.stepEnd - r.stepStart > 15)) return false;
    if (
      r.epochStart >= 0 &&
      ((r.epochIsInteger && r.epochEnd - r.epochStart > 15) ||
        (!r.epochIsInteger && r.stepStart < 0 && Number.isInteger(numberValue(src, r.epochStart, r.epochEnd))))
    )
      return false;
    // -0 prints as 0 the long way.
    if (negativeZero(src, r.valueStart, r.valueEnd) || negativeZero(src, r.stepStart, r.stepEnd) || negativeZero(src, r.epochStart, r.epochEnd)) return false;
    if (at.timestamp() !== undefined) return false;
    this.reserve(end - start + 128);
    this.ascii('{"name":"');
    this.copy(src, r.nameStart, r.nameEnd);
    this.ascii('","value":');
    this.copy(src, r.valueStart, r.valueEnd);
    if (r.stepStart >= 0 || (r.epochStart >= 0 && r.epochIsInteger)) {
      this.ascii(',"step":');
      if (r.stepStart >= 0) this.copy(src, r.stepStart, r.stepEnd);
      else this.copy(src, r.epochStart, r.epochEnd);
    }
    if (r.epochStart >= 0) {
      this.ascii(',"epoch":');
      this.copy(src, r.epochStart, r.epochEnd);
    }
    this.ascii(',"context":"');
    if (r.contextEnd > r.contextStart) this.copy(src, r.contextStart, r.contextEnd);
    else this.ascii(this.contextOf(src, r.nameStart, r.nameEnd));
    this.ascii('"');
    if (at.rank !== undefined) this.ascii(`,"rank":${at.rank}`);
    this.ascii(`,"line":${at.line},"format":"json"}\n`);
    this.points++;
    return true;
  }

  /** The bytes printed since the last call, in a buffer of their own (a pipe may hold on to it a while). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  /** A string as JSON bytes; the few names and contexts of a log are kept. */
  private quoted(text: string): Buffer {
    let json = this.quotedCache.get(text);
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(text));
      if (this.quotedCache.size >= 256) this.quotedCache.clear();
      this.quotedCache.set(text, json);
    }
    return json;
  }

  private bytes(src: Buffer): void {
    this.copy(src, 0, src.length);
  }

  /** The context a name implies, kept for the next line with the same name. */
  private contextOf(src: Buffer, start: number, end: number): string {
    const length = end - start;
    let same = length === this.lastNameLength;
    for (let i = 0; same && i < length; i++) same = this.lastName[i] === src[start + i];
    if (!same) {
      if (length > this.lastName.length) this.lastName = Buffer.alloc(length);
      src.copy(this.lastName, 0, start, end);
      this.lastNameLength = length;
      this.lastContext = contextFromName(decodeName(src, start, end));
    }
    return this.lastContext;
  }

  private ascii(text: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  private copy(src: Buffer, start: number, end: number): void {
    if (end - start > 32) {
      this.pos += src.copy(this.buf, this.pos, start, end);
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) buf[pos++] = src[i] as number;
    this.pos = pos;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** A JSON Lines printer for one stream; warnings about rejected lines go to `onWarning`. */
export function createJsonlPrinter(options: ParseOptions, onWarning: (warning: ParseWarning) => void): JsonlPrinter {
  const output = new JsonlOutput(onWarning);
  const router = new MetricRouter(output, options, output);
  const assembler = new LineAssembler(router);
  return {
    push(chunk) {
      assembler.push(chunk);
      return output.take();
    },
    end() {
      assembler.end();
      router.end();
      return output.take();
    },
    get points() {
      return output.points;
    },
  };
}
