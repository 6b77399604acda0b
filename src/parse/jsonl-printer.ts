// `runmeter parse --jsonl` as bytes in, bytes out. A JSON metric line of the common shape is printed by copying
// its name and number text, never decoded or re-encoded; every other point goes through encodeMetricJson. The
// output is the same contract either way (a number may keep the digits it was printed with: 1e-05, 0.50).
import { contextFromName } from '../model/context.js';
import type { ParsedMetric } from '../model/point.js';
import { encodeValue } from '../model/point.js';
import { jsonString } from '../model/text.js';
import { ByteWriter, FixedBytes } from './byte-writer.js';
import type { ExactNames } from './formats/exact-names.js';
import { dictRanges, scanDictLine } from './formats/hf-bytes.js';
import { decodeName, isBlankRange, type MetricLineRanges, newMetricLineRanges, numberValue, scanMetricLine } from './formats/json-bytes.js';
import type { LineContext } from './formats/line.js';
import { encodeMetricJson, isJsonNumberAt, isShortestNumberAt } from './jsonl.js';
import {
  CLOSE_LINE,
  CLOSE_RANK,
  CONTEXT,
  EPOCH,
  HF_END,
  JSON_END,
  LINE,
  NAME,
  type NameBytes,
  type Piece,
  type Pieces,
  piece,
  pieces,
  RANK,
  STEP,
  TEXT_END,
  type TextName,
  TIMESTAMP,
  VALUE,
} from './jsonl-pieces.js';
import { MetricRouter } from './router.js';
import { LineAssembler } from './terminal/assembler.js';
import type { TextPointPrinter } from './text/reader.js';
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

/** Names longer than this are written piece by piece, not kept. */
const MAX_KEPT_NAME = 128;

class JsonlOutput implements TextPointPrinter {
  points = 0;
  readonly keepsValueText = true;
  /** The text reader's points are printed here (see textPoint). */
  readonly textPoints: TextPointPrinter = this;
  /** The router's record of names printed exactly (see formats/exact-names.ts). */
  exact: ExactNames | undefined;
  private readonly out = new ByteWriter(CAPACITY);
  private readonly r: MetricLineRanges = newMetricLineRanges();
  private readonly dict = dictRanges();
  /** Per name, its fixed text; per position on a line, the name last printed there (lines repeat their names). */
  private readonly names = new Map<string, NameBytes>();
  private readonly slots: Array<NameBytes | undefined> = [];
  /** Text points' names', contexts' and units' JSON, by their text. */
  private readonly textNameMap = new Map<string, TextName>();
  /** The same, kept by place on a line, and for the context of the point before. */
  private readonly textSlots: Array<TextName | undefined> = [];
  private readonly slotUnits: Array<string | undefined> = [];
  private readonly slotUnitPieces: Array<Pieces | undefined> = [];
  private lastContext = '';
  private lastContextPieces: Pieces = pieces('');
  private readonly contexts = new Map<string, Pieces>();
  private readonly units = new Map<string, Pieces>();

  constructor(private readonly onWarning: (warning: ParseWarning) => void) {}

  metric(metric: ParsedMetric): void {
    this.out.text(`${encodeMetricJson(metric)}\n`);
    this.points++;
  }

  warning(line: number, message: string): void {
    this.onWarning({ line, message });
  }

  /**
   * A text point, printed as encodeMetricJson prints it (same bytes) without making the point or its JSON string:
   * its name's, context's and unit's JSON are kept, and its value is copied from the line when it is JSON as printed.
   */
  textPoint(
    name: string,
    slot: number,
    value: number,
    buf: Buffer,
    valueStart: number,
    valueEnd: number,
    numberStart: number,
    numberEnd: number,
    context: string,
    epoch: number | undefined,
    step: number | undefined,
    unit: string | undefined,
    at: LineContext,
  ): void {
    const out = this.out;
    let entry = this.textSlots[slot];
    if (entry === undefined || entry.text !== name) {
      entry = this.textName(name);
      if (slot < 64) this.textSlots[slot] = entry;
    }
    const exact = this.exact;
    if (exact !== undefined && (entry.exactGeneration !== exact.generation || entry.exactRank !== at.rank)) {
      exact.add(at.rank, name);
      entry.exactRank = at.rank;
      entry.exactGeneration = exact.generation;
    }
    const head = entry.head;
    if (context !== this.lastContext) {
      this.lastContext = context;
      this.lastContextPieces = this.contextPieces(context);
    }
    const contextPieces = this.lastContextPieces;
    let unitPieces: Pieces | undefined;
    if (unit !== undefined) {
      if (this.slotUnits[slot] === unit) unitPieces = this.slotUnitPieces[slot];
      else {
        unitPieces = this.unitPieces(unit);
        if (slot < 64) {
          this.slotUnits[slot] = unit;
          this.slotUnitPieces[slot] = unitPieces;
        }
      }
    }
    out.reserve(pieceBytes(head) + pieceBytes(contextPieces.line) + (unitPieces === undefined ? 0 : pieceBytes(unitPieces.line)) + 160);
    this.put(head);
    if (!Number.isFinite(value)) out.ascii(`"${encodeValue(value)}"`);
    else if (valueStart >= 0 && isJsonNumberAt(buf, valueStart, valueEnd)) out.copy(buf, valueStart, valueEnd);
    else if (value === 0 && 1 / value < 0) out.ascii('-0');
    // A number printed as String() would print it (a value with a unit glued on) is copied as well.
    else if (numberStart >= 0 && isShortestNumberAt(buf, numberStart, numberEnd)) out.copy(buf, numberStart, numberEnd);
    else out.ascii(JSON.stringify(value));
    if (step !== undefined) {
      out.fixed(STEP);
      writeNumber(out, step);
    }
    if (epoch !== undefined) {
      out.fixed(EPOCH);
      writeNumber(out, epoch);
    }
    const timestamp = at.timestamp();
    // The fixed text up to the line number goes in one piece where nothing comes between.
    const lineNext = at.rank === undefined && timestamp === undefined;
    if (unitPieces === undefined) this.put(lineNext ? contextPieces.line : contextPieces.plain);
    else {
      this.put(contextPieces.plain);
      this.put(lineNext ? unitPieces.line : unitPieces.plain);
    }
    if (!lineNext) {
      if (at.rank !== undefined) {
        out.fixed(RANK);
        writeNumber(out, at.rank);
      }
      if (timestamp !== undefined) {
        out.fixed(TIMESTAMP);
        out.ascii(String(timestamp));
      }
      out.fixed(LINE);
    }
    out.integer(at.line);
    out.fixed(TEXT_END);
    this.points++;
  }

  private put(piece: Piece): void {
    this.out.fixed(piece);
  }

  private textName(name: string): TextName {
    let kept = this.textNameMap.get(name);
    if (kept === undefined) {
      kept = { text: name, head: piece(`{"name":${jsonString(name)},"value":`), exactRank: undefined, exactGeneration: -1 };
      if (this.textNameMap.size >= 1024) this.textNameMap.clear();
      this.textNameMap.set(name, kept);
    }
    return kept;
  }

  private contextPieces(context: string): Pieces {
    let kept = this.contexts.get(context);
    if (kept === undefined) {
      kept = pieces(`,"context":${jsonString(context)}`);
      if (this.contexts.size >= 1024) this.contexts.clear();
      this.contexts.set(context, kept);
    }
    return kept;
  }

  private unitPieces(unit: string): Pieces {
    let kept = this.units.get(unit);
    if (kept === undefined) {
      kept = pieces(`,"unit":${JSON.stringify(unit)}`);
      if (this.units.size >= 1024) this.units.clear();
      this.units.set(unit, kept);
    }
    return kept;
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
    const out = this.out;
    out.reserve(end - start + 160);
    const name = this.nameBytes(src, r.nameStart, r.nameEnd, 0);
    this.exact?.add(at.rank, name !== undefined ? name.text : decodeName(src, r.nameStart, r.nameEnd));
    if (name !== undefined) out.fixed(name.head);
    else {
      out.fixed(NAME);
      out.copy(src, r.nameStart, r.nameEnd);
      out.fixed(VALUE);
    }
    out.copy(src, r.valueStart, r.valueEnd);
    if (r.stepStart >= 0 || (r.epochStart >= 0 && r.epochIsInteger)) {
      out.fixed(STEP);
      if (r.stepStart >= 0) out.copy(src, r.stepStart, r.stepEnd);
      else out.copy(src, r.epochStart, r.epochEnd);
    }
    if (r.epochStart >= 0) {
      out.fixed(EPOCH);
      out.copy(src, r.epochStart, r.epochEnd);
    }
    if (r.contextEnd > r.contextStart || name === undefined) {
      out.fixed(CONTEXT);
      if (r.contextEnd > r.contextStart) out.copy(src, r.contextStart, r.contextEnd);
      else out.ascii(contextFromName(decodeName(src, r.nameStart, r.nameEnd)));
      this.lineNumber(CLOSE_RANK, CLOSE_LINE, at);
    } else this.lineNumber(name.contextRank, name.contextLine, at);
    out.fixed(JSON_END);
    this.points++;
    return true;
  }

  /** Prints a Hugging Face dict line by copying its keys and numbers; false when it is not of the common shape. */
  dictLine(src: Buffer, start: number, end: number, at: LineContext): boolean {
    const r = this.dict;
    if (!scanDictLine(src, start, end, r) || at.timestamp() !== undefined) return false;
    const spans = r.spans;
    const out = this.out;
    out.reserve((end - start) * 2 + r.count * 160);
    for (let e = 0; e < r.count; e++) {
      if (e === r.epoch || e === r.step) continue;
      const k = e * 4;
      const name = this.nameBytes(src, spans[k] as number, spans[k + 1] as number, e);
      this.exact?.add(at.rank, name !== undefined ? name.text : decodeName(src, spans[k] as number, spans[k + 1] as number));
      if (name !== undefined) out.fixed(name.head);
      else {
        out.fixed(NAME);
        out.copy(src, spans[k] as number, spans[k + 1] as number);
        out.fixed(VALUE);
      }
      out.copy(src, spans[k + 2] as number, spans[k + 3] as number);
      if (r.step >= 0) {
        out.fixed(STEP);
        out.copy(src, spans[r.step * 4 + 2] as number, spans[r.step * 4 + 3] as number);
      }
      if (r.epoch >= 0) {
        out.fixed(EPOCH);
        out.copy(src, spans[r.epoch * 4 + 2] as number, spans[r.epoch * 4 + 3] as number);
      }
      if (name !== undefined) this.lineNumber(name.contextRank, name.contextLine, at);
      else {
        out.fixed(CONTEXT);
        out.ascii(contextFromName(decodeName(src, spans[k] as number, spans[k + 1] as number)));
        this.lineNumber(CLOSE_RANK, CLOSE_LINE, at);
      }
      out.fixed(HF_END);
      this.points++;
    }
    return true;
  }

  /** The bytes printed since the last call, in a buffer of their own (a pipe may hold on to it a while). */
  take(): Buffer {
    return this.out.take();
  }

  /** `…","rank":R,"line":N` or `…","line":N`, the text before the rank or line given. */
  private lineNumber(beforeRank: FixedBytes, beforeLine: FixedBytes, at: LineContext): void {
    const out = this.out;
    if (at.rank !== undefined) {
      out.fixed(beforeRank);
      out.integer(at.rank);
      out.fixed(LINE);
    } else out.fixed(beforeLine);
    out.integer(at.line);
  }

  /** The fixed text of the name `src[start, end)` (ASCII), printed at position `slot` of a line; undefined for a long name. */
  private nameBytes(src: Buffer, start: number, end: number, slot: number): NameBytes | undefined {
    const length = end - start;
    if (length > MAX_KEPT_NAME) return undefined;
    const last = this.slots[slot];
    if (last !== undefined && last.name.length === length) {
      let same = true;
      for (let i = 0; same && i < length; i++) same = last.name[i] === src[start + i];
      if (same) return last;
    }
    const text = decodeName(src, start, end);
    let name = this.names.get(text);
    if (name === undefined) {
      const context = contextFromName(text);
      name = {
        text,
        name: Buffer.from(text, 'latin1'),
        head: new FixedBytes(`{"name":"${text}","value":`),
        contextLine: new FixedBytes(`,"context":"${context}","line":`),
        contextRank: new FixedBytes(`,"context":"${context}","rank":`),
      };
      if (this.names.size >= 1024) this.names.clear();
      this.names.set(text, name);
    }
    if (slot < 64) this.slots[slot] = name;
    return name;
  }
}

/** The most bytes a piece writes. */
function pieceBytes(piece: Piece): number {
  return piece.length;
}

/** A finite number as String() writes it (as JSON.stringify does too), integers without making a string. */
function writeNumber(out: ByteWriter, value: number): void {
  if (Number.isInteger(value)) out.integer(value);
  else out.ascii(String(value));
}

/** A JSON Lines printer for one stream; warnings about rejected lines go to `onWarning`. */
export function createJsonlPrinter(options: ParseOptions, onWarning: (warning: ParseWarning) => void): JsonlPrinter {
  const output = new JsonlOutput(onWarning);
  const router = new MetricRouter(output, options, output);
  // Nothing here asks for the no-metrics hint: lines are not kept for it.
  router.hint.keeping = false;
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
