import { type LinePrefixes, readPrefixes, timestampValue } from '../prefix.js';
import { EscapeReader, LINE_END, REDRAW } from './escapes.js';
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
  private readonly escapes = new EscapeReader();
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
      if (!this.open && !this.escapes.active) {
        const lf = this.findLF(chunk, pos);
        if (lf < n && this.findESC(chunk, pos) > lf) {
          const cr = this.findCR(chunk, pos);
          if ((cr > lf || cr === lf - 1) && this.findBS(chunk, pos) > lf) {
            this.plainLine(chunk, pos, cr === lf - 1 ? cr : lf);
            pos = lf + 1;
            continue;
          }
          if (lf - pos <= MAX_REDRAW_BYTES) {
            const rest = this.redrawLine(chunk, pos, lf);
            pos = rest < 0 ? lf + 1 : this.assemble(chunk, rest, n);
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
    this.escapes.reset();
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

  /**
   * A whole line in one chunk whose redraws end with `\r` or with `\b` enough to erase them (Keras): each redraw
   * handed over in place. At a run of `\b` that erases only part of a redraw it stops, leaving the general path
   * the state it would have reached: returns where that path goes on, or -1 when the line is done.
   */
  private redrawLine(chunk: Buffer, start: number, lf: number): number {
    const info = this.info;
    info.line = this.lineNo + 1;
    info.timestamp = undefined;
    info.truncated = false;
    info.rank = undefined;
    info.tsEnd = 0;
    let redrawStart = start;
    let bound = Math.min(this.findCR(chunk, start), this.findBS(chunk, start), lf);
    // Whether a redraw has ended (and the line's prefixes have been read from the first one).
    let ended = false;
    let lastStart = -1;
    let lastEnd = -1;
    for (;;) {
      let next = bound + 1;
      if (bound < lf && chunk[bound] === BS) {
        next = this.backspacesEnd(chunk, bound + 1, lf);
        // Every character is at least a byte: as many backspaces as bytes erase them all.
        if (next - bound < bound - redrawStart) return ended ? this.handOver(chunk, redrawStart, lastStart, lastEnd) : this.restart(start);
      }
      // Backspaces over nothing end no redraw.
      if (bound > redrawStart || chunk[bound] !== BS) {
        let from = redrawStart;
        // Rank tags and timestamps sit at the start of the first redraw.
        if (!ended && bound > from && (chunk[from] === 0x5b || isDigit(chunk[from]))) {
          from = readPrefixes(chunk, from, bound, this.prefixes);
          info.rank = this.prefixes.rank;
          info.tsStart = this.prefixes.tsStart;
          info.tsEnd = this.prefixes.tsEnd;
        }
        ended = true;
        // Each redraw that draws something replaces the one before, which goes over as partial.
        let i = from;
        while (i < bound && (chunk[i] === 0x20 || chunk[i] === 0x09)) i++;
        if (i < bound) {
          if (lastStart >= 0) {
            info.partial = true;
            this.consumer.line(chunk, lastStart, lastEnd, info);
          }
          lastStart = from;
          lastEnd = bound;
        }
      }
      if (bound >= lf) break;
      // Keras ends a redraw with `\b`s and then `\r`: the empty redraw between them ends nothing new.
      if (ended && chunk[bound] === BS && chunk[next] === CR && next < lf) next++;
      redrawStart = next;
      bound = Math.min(this.findCR(chunk, next), this.findBS(chunk, next), lf);
    }
    if (lastStart >= 0) {
      info.partial = false;
      this.consumer.line(chunk, lastStart, lastEnd, info);
    }
    this.lineNo++;
    return -1;
  }

  /** Leaves the whole line to the general path: nothing has been handed over yet. */
  private restart(start: number): number {
    // The next \r and \b found are past `start` now: find them again from there.
    this.nextCR = this.nextBS = -1;
    return start;
  }

  /** Leaves the rest of a line from `redrawStart` to the general path, in the state it would have reached there. */
  private handOver(chunk: Buffer, redrawStart: number, lastStart: number, lastEnd: number): number {
    const info = this.info;
    this.open = true;
    this.prefixDone = true;
    this.rank = info.rank;
    this.timestamp = info.tsEnd > 0 ? timestampValue(chunk.toString('latin1', info.tsStart, info.tsEnd)) : undefined;
    this.cur.clear();
    this.keepLength = -1;
    this.hasPrev = lastStart >= 0;
    if (this.hasPrev) this.prev.point(chunk, lastStart, lastEnd);
    return redrawStart;
  }

  /** Applies terminal controls from `from` up to the end of the line or chunk; returns where it stopped. */
  private assemble(chunk: Buffer, from: number, n: number): number {
    this.open = true;
    let i = from;
    while (i < n) {
      if (this.escapes.active) {
        i = this.escapes.consume(chunk, i, n);
        if (this.escapes.effect === LINE_END) this.finishLine(true);
        else if (this.escapes.effect === REDRAW) this.finishRedraw();
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
        this.escapes.start();
        i++;
      }
    }
    return n;
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
