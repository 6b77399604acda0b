// `runmeter parse --jsonl` as bytes in, bytes out. A JSON metric line of the common shape is printed by copying
// its name and number text, never decoded or re-encoded; every other point goes through encodeMetricJson. The
// output is the same contract either way (a number may keep the digits it was printed with: 1e-05, 0.50).
import { contextFromName } from '../model/context.js';
import type { ParsedMetric } from '../model/point.js';
import { dictRanges, scanDictLine } from './formats/hf-bytes.js';
import { decodeName, isBlankRange, type MetricLineRanges, numberValue, scanMetricLine } from './formats/json-bytes.js';
import type { LineContext } from './formats/line.js';
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

function negativeZero(src: Buffer, start: number, end: number): boolean {
  return start >= 0 && src[start] === 0x2d && src[start + 1] === 0x30 && numberValue(src, start, end) === 0;
}

/** ASCII text as bytes, for the fixed parts of each line. */
const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const NAME = bytesOf('{"name":"');
const VALUE = bytesOf('","value":');
const STEP = bytesOf(',"step":');
const EPOCH = bytesOf(',"epoch":');
const CONTEXT = bytesOf(',"context":"');
const RANK = bytesOf(',"rank":');
const LINE = bytesOf(',"line":');
const CLOSE_RANK = bytesOf('","rank":');
const CLOSE_LINE = bytesOf('","line":');
const JSON_END = bytesOf(',"format":"json"}\n');
const HF_END = bytesOf(',"format":"hf"}\n');
const QUOTE = bytesOf('"');

class JsonlOutput {
  points = 0;
  readonly keepsValueText = true;
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
  private readonly dict = dictRanges();
  private lastName = Buffer.alloc(64);
  private lastNameLength = -1;
  private lastContext = '';

  constructor(private readonly onWarning: (warning: ParseWarning) => void) {}

  metric(metric: ParsedMetric): void {
    const json = `${encodeMetricJson(metric)}\n`;
    this.reserve(json.length * 3);
    this.pos += this.buf.write(json, this.pos, 'utf8');
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
    this.bytes(NAME);
    this.copy(src, r.nameStart, r.nameEnd);
    this.bytes(VALUE);
    this.copy(src, r.valueStart, r.valueEnd);
    if (r.stepStart >= 0 || (r.epochStart >= 0 && r.epochIsInteger)) {
      this.bytes(STEP);
      if (r.stepStart >= 0) this.copy(src, r.stepStart, r.stepEnd);
      else this.copy(src, r.epochStart, r.epochEnd);
    }
    if (r.epochStart >= 0) {
      this.bytes(EPOCH);
      this.copy(src, r.epochStart, r.epochEnd);
    }
    this.bytes(CONTEXT);
    if (r.contextEnd > r.contextStart) this.copy(src, r.contextStart, r.contextEnd);
    else this.ascii(this.contextOf(src, r.nameStart, r.nameEnd));
    this.bytes(QUOTE);
    if (at.rank !== undefined) {
      this.bytes(RANK);
      this.integer(at.rank);
    }
    this.bytes(LINE);
    this.integer(at.line);
    this.bytes(JSON_END);
    this.points++;
    return true;
  }

  /** Prints a Hugging Face dict line by copying its keys and numbers; false when it is not of the common shape. */
  dictLine(src: Buffer, start: number, end: number, at: LineContext): boolean {
    const r = this.dict;
    if (!scanDictLine(src, start, end, r) || at.timestamp() !== undefined) return false;
    const spans = r.spans;
    this.reserve((end - start) * 2 + r.count * 160);
    for (let e = 0; e < r.count; e++) {
      if (e === r.epoch || e === r.step) continue;
      const k = e * 4;
      this.bytes(NAME);
      this.copy(src, spans[k] as number, spans[k + 1] as number);
      this.bytes(VALUE);
      this.copy(src, spans[k + 2] as number, spans[k + 3] as number);
      if (r.step >= 0) {
        this.bytes(STEP);
        this.copy(src, spans[r.step * 4 + 2] as number, spans[r.step * 4 + 3] as number);
      }
      if (r.epoch >= 0) {
        this.bytes(EPOCH);
        this.copy(src, spans[r.epoch * 4 + 2] as number, spans[r.epoch * 4 + 3] as number);
      }
      this.bytes(CONTEXT);
      this.ascii(contextFromName(decodeName(src, spans[k] as number, spans[k + 1] as number)));
      if (at.rank !== undefined) {
        this.bytes(CLOSE_RANK);
        this.integer(at.rank);
        this.bytes(LINE);
      } else this.bytes(CLOSE_LINE);
      this.integer(at.line);
      this.bytes(HF_END);
      this.points++;
    }
    return true;
  }

  /** The bytes printed since the last call, in a buffer of their own (a pipe may hold on to it a while). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
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

  /** A line number's or rank's digits, written without making a string. */
  private integer(value: number): void {
    const buf = this.buf;
    if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER)) {
      this.ascii(String(value));
      return;
    }
    let length = 1;
    for (let rest = Math.floor(value / 10); rest > 0; rest = Math.floor(rest / 10)) length++;
    let rest = value;
    for (let i = this.pos + length - 1; i >= this.pos; i--) {
      const next = Math.floor(rest / 10);
      buf[i] = 0x30 + rest - next * 10;
      rest = next;
    }
    this.pos += length;
  }

  private bytes(src: Uint8Array): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < src.length; i++) buf[pos++] = src[i] as number;
    this.pos = pos;
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
