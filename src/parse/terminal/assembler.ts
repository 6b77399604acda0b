import { type LinePrefixes, readPrefixes, timestampValue } from '../prefix.js';
import { MAX_REDRAW_BYTES, Redraw } from './redraw.js';

/** What the assembler knows about a line it hands over. One object, reused: read it during the call only. */
export interface AssembledLine {
  /** 1-based line number in the stream (lines split by cursor moves share their line's number). */
  line: number;
  /** From a rank tag at the start of the line. */
  rank: number | undefined;
  /** From a timestamp at the start of the line: already read, or still bytes `buf[tsStart, tsEnd)` when tsEnd > 0. */
  timestamp: number | undefined;
  tsStart: number;
  tsEnd: number;
  /** A redraw that a later one replaced (a progress bar's earlier state), not the line's final text. */
  partial: boolean;
  /** The line was longer than MAX_REDRAW_BYTES; `buf` holds its start only. */
  truncated: boolean;
}

/** Receives assembled lines: text with terminal controls applied and escapes removed, as bytes. */
export interface LineConsumer {
  line(buf: Buffer, start: number, end: number, info: AssembledLine): void;
}

const LF = 0x0a;
const CR = 0x0d;
const BS = 0x08;
const ESC = 0x1b;

// Escape sequence states.
const NONE = 0;
const AFTER_ESC = 1;
const CSI = 2;
const STRING = 3; // OSC, DCS, ...: until BEL or ST
const STRING_ESC = 4;
const CHARSET = 5;

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

/**
 * Turns a stream's bytes into lines as a terminal shows them: `\r` starts a redraw and the last one that drew
 * something counts, `\b` erases a character, ANSI escapes are removed, a cursor move up or down ends the line drawn
 * so far. Lines without any of these go through without a copy. Memory stays bounded whatever the input.
 */
export class LineAssembler {
  private lineNo = 0;
  /** Part of the current line has been seen. */
  private open = false;
  private escape = NONE;
  private csiParam = 0;
  private csiFirst = true;
  private cur = new Redraw();
  private prev = new Redraw();
  private hasPrev = false;
  /** Length of `cur` before the current run of `\b`, or -1. */
  private keepLength = -1;
  private prefixDone = false;
  private rank: number | undefined;
  private timestamp: number | undefined;
  private readonly prefixes: LinePrefixes = { rank: undefined, tsStart: 0, tsEnd: 0 };
  private readonly info: AssembledLine = { line: 0, rank: undefined, timestamp: undefined, tsStart: 0, tsEnd: 0, partial: false, truncated: false };
  // Next position of each special byte in the current chunk (the chunk's length when none): found with native
  // scans, each at most once per occurrence.
  private nextLF = -1;
  private nextCR = -1;
  private nextBS = -1;
  private nextESC = -1;
  /** The chunk as 32-bit words, for long runs of `\b`. */
  private words: Uint32Array | undefined;

  constructor(private readonly consumer: LineConsumer) {}

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    this.nextLF = this.nextCR = this.nextBS = this.nextESC = -1;
    this.words = undefined;
    let pos = 0;
    while (pos < n) {
      if (!this.open && this.escape === NONE) {
        const lf = this.findLF(chunk, pos);
        if (lf < n && this.findBS(chunk, pos) > lf && this.findESC(chunk, pos) > lf) {
          const cr = this.findCR(chunk, pos);
          if (cr > lf || cr === lf - 1) {
            this.plainLine(chunk, pos, cr === lf - 1 ? cr : lf);
            pos = lf + 1;
            continue;
          }
          if (lf - pos <= MAX_REDRAW_BYTES) {
            this.redrawLine(chunk, pos, lf);
            pos = lf + 1;
            continue;
          }
        }
      }
      pos = this.assemble(chunk, pos, n);
    }
    if (this.open) {
      // The chunk is the caller's: keep copies of what the open line still needs.
      this.cur.takeOwnership(this.cur.start + Math.max(this.cur.length, this.keepLength));
      if (this.hasPrev) this.prev.takeOwnership();
    }
  }

  /** Ends the stream: an unfinished last line counts as a line. */
  end(): void {
    if (this.open || this.hasPrev || this.cur.length > 0) this.finishLine(false);
    this.escape = NONE;
  }

  // Positions of the next special byte at or after `from` in the chunk (its length when none).
  private findLF(chunk: Buffer, from: number): number {
    if (this.nextLF < from) this.nextLF = indexOrEnd(chunk, LF, from);
    return this.nextLF;
  }

  private findCR(chunk: Buffer, from: number): number {
    if (this.nextCR < from) this.nextCR = indexOrEnd(chunk, CR, from);
    return this.nextCR;
  }

  private findBS(chunk: Buffer, from: number): number {
    if (this.nextBS < from) this.nextBS = indexOrEnd(chunk, BS, from);
    return this.nextBS;
  }

  private findESC(chunk: Buffer, from: number): number {
    if (this.nextESC < from) this.nextESC = indexOrEnd(chunk, ESC, from);
    return this.nextESC;
  }

  /** Where the run of `\b` at `from` ends. Keras erases its whole bar with them: long runs go a word at a time. */
  private backspacesEnd(chunk: Buffer, from: number, n: number): number {
    let j = from;
    if (n - j >= 32 && chunk[j + 31] === BS && chunk.byteOffset % 4 === 0) {
      while (j & 3 && chunk[j] === BS) j++;
      if ((j & 3) === 0) {
        this.words ??= new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2);
        const words = this.words;
        let w = j >> 2;
        while (w < words.length && words[w] === 0x08080808) w++;
        j = w << 2;
      }
    }
    while (j < n && chunk[j] === BS) j++;
    return j;
  }

  /** A whole line in one chunk with nothing to apply: handed over in place. */
  private plainLine(chunk: Buffer, start: number, end: number): void {
    const info = this.info;
    let from = start;
    info.tsEnd = 0;
    info.rank = undefined;
    if (chunk[start] === 0x5b || isDigit(chunk[start])) {
      from = readPrefixes(chunk, start, end, this.prefixes);
      info.rank = this.prefixes.rank;
      info.tsStart = this.prefixes.tsStart;
      info.tsEnd = this.prefixes.tsEnd;
    }
    info.line = ++this.lineNo;
    info.timestamp = undefined;
    info.partial = false;
    info.truncated = end - from > MAX_REDRAW_BYTES;
    this.consumer.line(chunk, from, info.truncated ? from + MAX_REDRAW_BYTES : end, info);
  }

  /** A whole line in one chunk whose redraws only `\r` separates (a progress bar): each redraw handed over in place. */
  private redrawLine(chunk: Buffer, start: number, lf: number): void {
    const info = this.info;
    info.line = this.lineNo + 1;
    info.timestamp = undefined;
    info.truncated = false;
    info.rank = undefined;
    info.tsEnd = 0;
    let cr = this.findCR(chunk, start);
    let from = start;
    // Rank tags and timestamps sit at the start of the first redraw.
    if (cr > start && (chunk[start] === 0x5b || isDigit(chunk[start]))) {
      from = readPrefixes(chunk, start, cr, this.prefixes);
      info.rank = this.prefixes.rank;
      info.tsStart = this.prefixes.tsStart;
      info.tsEnd = this.prefixes.tsEnd;
    }
    // Each redraw that draws something replaces the one before, which goes over as partial.
    let lastStart = -1;
    let lastEnd = -1;
    for (;;) {
      const end = cr < lf ? cr : lf;
      let i = from;
      while (i < end && (chunk[i] === 0x20 || chunk[i] === 0x09)) i++;
      if (i < end) {
        if (lastStart >= 0) {
          info.partial = true;
          this.consumer.line(chunk, lastStart, lastEnd, info);
        }
        lastStart = from;
        lastEnd = end;
      }
      if (cr >= lf) break;
      from = cr + 1;
      cr = this.findCR(chunk, from);
    }
    if (lastStart >= 0) {
      info.partial = false;
      this.consumer.line(chunk, lastStart, lastEnd, info);
    }
    this.lineNo++;
  }

  /** Applies terminal controls from `from` up to the end of the line or chunk; returns where it stopped. */
  private assemble(chunk: Buffer, from: number, n: number): number {
    this.open = true;
    let i = from;
    while (i < n) {
      if (this.escape !== NONE) {
        i = this.escapeBytes(chunk, i, n);
        continue;
      }
      const stop = Math.min(this.findLF(chunk, i), this.findCR(chunk, i), this.findBS(chunk, i), this.findESC(chunk, i));
      if (stop > i) {
        this.cur.append(chunk, i, stop);
        this.keepLength = -1;
        i = stop;
        if (i >= n) break;
      }
      const b = chunk[i];
      if (b === LF) {
        this.finishLine(false);
        return i + 1;
      }
      if (b === CR) {
        this.finishRedraw();
        i++;
      } else if (b === BS) {
        const j = this.backspacesEnd(chunk, i + 1, n);
        this.backspace(j - i);
        i = j;
      } else {
        this.escape = AFTER_ESC;
        i++;
      }
    }
    return n;
  }

  /** Consumes escape sequence bytes; returns where normal text resumes (a newline always ends a sequence). */
  private escapeBytes(chunk: Buffer, from: number, n: number): number {
    let i = from;
    while (i < n) {
      const b = chunk[i] as number;
      if (b === LF) {
        this.escape = NONE;
        return i;
      }
      switch (this.escape) {
        case AFTER_ESC:
          if (b === 0x5b) {
            this.escape = CSI;
            this.csiParam = 0;
            this.csiFirst = true;
          } else if (b === 0x5d || b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.escape = STRING;
          else if (b >= 0x28 && b <= 0x2b) this.escape = CHARSET;
          else {
            this.escape = NONE;
            return i + 1;
          }
          break;
        case CSI:
          if (isDigit(b)) {
            if (this.csiFirst && this.csiParam < 10_000) this.csiParam = this.csiParam * 10 + (b - 0x30);
          } else if (b === 0x3b) this.csiFirst = false;
          else if (b >= 0x40 && b <= 0x7e) {
            this.escape = NONE;
            this.csiFinal(b);
            return i + 1;
          } else if (b < 0x20 || b > 0x7e) {
            // Not a well-formed sequence: drop it and read this byte as text.
            this.escape = NONE;
            return i;
          }
          break;
        case STRING:
          if (b === 0x07) {
            this.escape = NONE;
            return i + 1;
          }
          if (b === ESC) this.escape = STRING_ESC;
          break;
        case STRING_ESC:
          // ESC \ ends the string; any other ESC starts a new sequence.
          this.escape = AFTER_ESC;
          continue;
        default:
          this.escape = NONE;
          return i + 1;
      }
      i++;
    }
    return n;
  }

  /** The final byte of a CSI sequence: cursor moves to another line end the line drawn so far; erasing a line, or going to its start, starts a redraw. */
  private csiFinal(final: number): void {
    const letter = String.fromCharCode(final);
    if ('ABEFHfd'.includes(letter)) this.finishLine(true);
    else if ((letter === 'K' && (this.csiParam === 1 || this.csiParam === 2)) || (letter === 'G' && this.csiParam <= 1)) this.finishRedraw();
  }

  private backspace(count: number): void {
    const cur = this.cur;
    if (this.keepLength < 0) this.keepLength = cur.length;
    cur.erase(count);
    if (cur.length === 0 && this.keepLength > 0) {
      // Backspacing over the whole line is how Keras returns to its start: what it drew counts as a redraw.
      cur.end = cur.start + this.keepLength;
      this.finishRedraw();
    }
  }

  /** The current redraw is complete: it replaces the previous one unless it is blank. */
  private finishRedraw(): void {
    if (!this.prefixDone) this.readLinePrefixes();
    const cur = this.cur;
    if (!cur.isBlank()) {
      if (this.hasPrev) this.emit(this.prev, true);
      this.prev.swap(cur);
      this.hasPrev = true;
    }
    cur.clear();
    this.keepLength = -1;
  }

  /** Ends the line: its last redraw that drew something is handed over. `cursorMove`: the same line number goes on. */
  private finishLine(cursorMove: boolean): void {
    this.finishRedraw();
    if (this.hasPrev) this.emit(this.prev, false);
    this.prev.clear();
    this.hasPrev = false;
    if (cursorMove) return;
    this.lineNo++;
    this.open = false;
    this.prefixDone = false;
    this.rank = undefined;
    this.timestamp = undefined;
  }

  /** Rank tags and timestamps sit at the start of the line's first redraw. */
  private readLinePrefixes(): void {
    this.prefixDone = true;
    const cur = this.cur;
    if (cur.length === 0) return;
    cur.start = readPrefixes(cur.buf, cur.start, cur.end, this.prefixes);
    this.rank = this.prefixes.rank;
    if (this.prefixes.tsEnd > 0) this.timestamp = timestampValue(cur.buf.toString('latin1', this.prefixes.tsStart, this.prefixes.tsEnd));
  }

  private emit(redraw: Redraw, partial: boolean): void {
    const info = this.info;
    info.line = this.lineNo + 1;
    info.rank = this.rank;
    info.timestamp = this.timestamp;
    info.tsEnd = 0;
    info.partial = partial;
    info.truncated = redraw.truncated;
    this.consumer.line(redraw.buf, redraw.start, redraw.end, info);
  }
}
