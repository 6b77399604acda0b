// Line shapes. The lines one print statement makes differ in their numbers and in the padding around them, not in
// their words: a line that gave points is kept as a shape (its bytes, where its numbers and wide gaps are, and what
// the markers and pairs made of its tokens), and a later line of that shape is read from it without being tokenized.
//
// Exact, not a guess. A line has a shape's tokens when
// - its bytes between the shape's numbers and wide gaps are the shape's bytes;
// - each wide gap (two or more spaces, outside every name) is two or more spaces: the readers see only its class
//   (tokens.ts's `gap`), and no name holds it;
// - each number, read by the tokenizer's own scanNumber, makes a token of the shape's kind, flags, unit, total (none,
//   zero, other) and finiteness, ending where it ends, over bytes that differ from the shape's only in their digit
//   runs. A digit run never starts after a letter (that would be a word), and a number's letters (an exponent's `e`,
//   a unit) are the shape's, so the first looks (prescan, mayGiveText) find the same words too.
// The tokenizer decides from the bytes around numbers, the kinds of the tokens before, and the numbers' flags, so
// the line tokenizes as the shape did, its markers and pairs are the shape's, and only their values are the line's.
import { metricNumberAt } from '../number.js';
import type { LineMarkers } from './markers.js';
import type { Pairs } from './pairs.js';
import { INTEGER, LEADING_ZERO, MAX_TOKENS, NUMBER, OTHER, scanNumber, type Tokens } from './tokens.js';

const MAX_BYTES = 512;
const MAX_EVENTS = 64;
const MAX_PAIRS = 32;
/** Shapes kept per stream: a log interleaves a few print statements (train and eval lines, several loggers). */
const MAX_SHAPES = 8;

const SPACE = 0x20;
const GAP = -1;

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/** Bytes a date, time or version (an OTHER token a number starts) may hold besides digits: `2024-01-02`, `0:10:00`. */
const DATE_BYTES = new Uint8Array(256);
for (const c of '.:-/,+') DATE_BYTES[c.charCodeAt(0)] = 1;

/** A kept line: its bytes, and its numbers and wide gaps (events), in order. */
export class Shape {
  length = 0;
  readonly bytes = new Uint8Array(MAX_BYTES);
  events = 0;
  readonly eventStart = new Int32Array(MAX_EVENTS);
  readonly eventEnd = new Int32Array(MAX_EVENTS);
  /** The token a number event makes, or GAP. */
  readonly eventToken = new Int32Array(MAX_EVENTS);
  /** What that token must be like: kind, flags, gap before it, unit (offset from its end and length), total, finite. */
  readonly kind = new Uint8Array(MAX_EVENTS);
  readonly flags = new Int32Array(MAX_EVENTS);
  readonly gap = new Uint8Array(MAX_EVENTS);
  readonly unitFrom = new Int32Array(MAX_EVENTS);
  readonly unitLength = new Int32Array(MAX_EVENTS);
  readonly total = new Uint8Array(MAX_EVENTS);
  readonly finite = new Uint8Array(MAX_EVENTS);
  /** A plain number (see `isPlain`): read without scanNumber. */
  readonly plain = new Uint8Array(MAX_EVENTS);
  /** Per event, how far the matched line's bytes after it lie from the shape's. */
  readonly shift = new Int32Array(MAX_EVENTS);
  pairs = 0;
  readonly pairKind = new Uint8Array(MAX_PAIRS);
  readonly pairToken = new Int32Array(MAX_PAIRS);
  readonly percent = new Uint8Array(MAX_PAIRS);
  readonly nameStart = new Int32Array(MAX_PAIRS);
  readonly nameEnd = new Int32Array(MAX_PAIRS);
  readonly nameFlags = new Int32Array(MAX_PAIRS);
  /** The last event before the name (its shift applies to the name), or -1. */
  readonly nameEvent = new Int32Array(MAX_PAIRS);
  labelFlags = 0;
  epochAt = -1;
  stepAt = -1;
  positionAt = -1;
  context: string | undefined;
  /**
   * Per pair, its point's name (undefined: it gives no point), unit and the context its name gives, which its bytes
   * decide, so every line of the shape has them: the text reader fills them once (`described`).
   */
  described = false;
  readonly names: Array<string | undefined> = [];
  readonly units: Array<string | undefined> = [];
  readonly nameContexts: Array<string | undefined> = [];
}

/** 0 for no total, 1 for a total of 0 (a count of nothing: no percentage), 2 for another. */
const totalClass = (total: number) => (Number.isNaN(total) ? 0 : total === 0 ? 1 : 2);

/** The shapes of a stream's metric lines. */
export class LineShapes {
  private readonly shapes: Shape[] = [];
  /** Where `keep` describes a line before it takes a place (a line that turns out to have no shape takes none). */
  private spare = new Shape();
  private next = 0;
  private last = 0;

  /**
   * The shape `buf[from, end)` has, or undefined. On a match the tokens its markers and pairs use are in `t` (with
   * the line's positions and values); `replay` then fills the markers and pairs.
   */
  match(buf: Buffer, from: number, end: number, t: Tokens): Shape | undefined {
    const count = this.shapes.length;
    for (let n = 0; n < count; n++) {
      const index = (this.last + n) % count;
      const shape = this.shapes[index] as Shape;
      if (shape.events > 0 && shape.eventStart[0] === 0 ? false : shape.bytes[0] !== buf[from]) continue;
      if (matches(shape, buf, from, end, t)) {
        this.last = index;
        return shape;
      }
    }
    return undefined;
  }

  /** Fills `m` and `p` as the shape's line filled them, with the values of the line `match` found of that shape. */
  replay(shape: Shape, from: number, t: Tokens, m: LineMarkers, p: Pairs): void {
    m.epochAt = shape.epochAt;
    m.stepAt = shape.stepAt;
    m.positionAt = shape.positionAt;
    m.epoch = shape.epochAt >= 0 ? t.value[shape.epochAt] : undefined;
    m.step = shape.stepAt >= 0 ? t.value[shape.stepAt] : undefined;
    m.position = shape.positionAt >= 0 ? t.value[shape.positionAt] : undefined;
    m.context = shape.context;
    p.count = shape.pairs;
    p.labelFlags = shape.labelFlags;
    for (let i = 0; i < shape.pairs; i++) {
      const token = shape.pairToken[i] as number;
      const percent = shape.percent[i] as number;
      p.kind[i] = shape.pairKind[i] as number;
      p.token[i] = token;
      p.percent[i] = percent;
      // As pairs.ts's addPair works it out.
      p.value[i] = percent ? (100 * (t.value[token] as number)) / (t.total[token] as number) : (t.value[token] as number);
      p.nameFlags[i] = shape.nameFlags[i] as number;
      const nameStart = shape.nameStart[i] as number;
      if (nameStart < 0) {
        p.nameStart[i] = -1;
        p.nameEnd[i] = -1;
      } else {
        const event = shape.nameEvent[i] as number;
        const shift = from + (event >= 0 ? (shape.shift[event] as number) : 0);
        p.nameStart[i] = nameStart + shift;
        p.nameEnd[i] = (shape.nameEnd[i] as number) + shift;
      }
    }
  }

  /**
   * Keeps the line `buf[from, end)`, which gave points from its tokens `t`, markers `m` and pairs `p`, as a shape;
   * nothing when it is of no shape a later line could be matched to exactly (numbers printed as words, `.5`, `+3`,
   * thousands groups; names holding numbers).
   */
  keep(buf: Buffer, from: number, end: number, t: Tokens, m: LineMarkers, p: Pairs): void {
    const length = end - from;
    if (length > MAX_BYTES || t.count >= MAX_TOKENS || p.count > MAX_PAIRS) return;
    const shape = this.spare;
    if (!describe(shape, buf, from, end, t, m, p)) return;
    if (this.shapes.length < MAX_SHAPES) {
      this.shapes.push(shape);
      this.spare = new Shape();
    } else {
      this.spare = this.shapes[this.next] as Shape;
      this.shapes[this.next] = shape;
      this.next = (this.next + 1) % MAX_SHAPES;
    }
  }
}

/** Fills `shape` from the line; false when the line can have no shape (then `shape` may hold part of it). */
function describe(shape: Shape, buf: Buffer, from: number, end: number, t: Tokens, m: LineMarkers, p: Pairs): boolean {
  shape.events = 0;
  shape.described = false;
  let gapFrom = from;
  for (let k = 0; k < t.count; k++) {
    const start = t.start[k] as number;
    const tokenEnd = t.end[k] as number;
    const made = t.made[k] as number;
    const first = buf[start] as number;
    const fromDigit = isDigit(first) || (first === 0x2d && made === NUMBER && isDigit(buf[start + 1]));
    if (made === NUMBER) {
      if (!fromDigit) return false;
      for (let i = start; i < tokenEnd; i++) if (buf[i] === 0x2c) return false;
    } else if (made === OTHER && isDigit(first)) {
      let dateLike = true;
      for (let i = start; dateLike && i < tokenEnd; i++) dateLike = isDigit(buf[i]) || DATE_BYTES[buf[i] as number] === 1;
      if (!dateLike) continue;
    } else continue;
    if (!addGaps(shape, buf, gapFrom, start, from, p) || shape.events >= MAX_EVENTS) return false;
    gapFrom = tokenEnd;
    const e = shape.events++;
    shape.eventStart[e] = start - from;
    shape.eventEnd[e] = tokenEnd - from;
    shape.eventToken[e] = k;
    shape.kind[e] = made;
    shape.flags[e] = t.flags[k] as number;
    shape.gap[e] = t.gap[k] as number;
    const unitStart = t.unitStart[k] as number;
    shape.unitFrom[e] = unitStart < 0 ? 0 : unitStart - tokenEnd;
    shape.unitLength[e] = unitStart < 0 ? 0 : (t.unitEnd[k] as number) - unitStart;
    shape.total[e] = made === NUMBER ? totalClass(t.total[k] as number) : 0;
    shape.finite[e] = made === NUMBER && Number.isFinite(t.value[k]) ? 1 : 0;
    shape.plain[e] = made === NUMBER && isPlain(buf, start, tokenEnd, end) && unitStart < 0 && Number.isNaN(t.total[k]) ? 1 : 0;
  }
  if (!addGaps(shape, buf, gapFrom, end, from, p)) return false;
  shape.length = end - from;
  shape.bytes.set(buf.subarray(from, end));
  shape.pairs = p.count;
  shape.labelFlags = p.labelFlags;
  for (let i = 0; i < p.count; i++) {
    shape.pairKind[i] = p.kind[i] as number;
    shape.pairToken[i] = p.token[i] as number;
    shape.percent[i] = p.percent[i] as number;
    shape.nameFlags[i] = p.nameFlags[i] as number;
    const nameStart = p.nameStart[i] as number;
    if (nameStart < 0) {
      shape.nameStart[i] = -1;
      shape.nameEnd[i] = -1;
      continue;
    }
    const start = nameStart - from;
    const nameEnd = (p.nameEnd[i] as number) - from;
    let event = -1;
    for (let e = 0; e < shape.events; e++) {
      if ((shape.eventEnd[e] as number) <= start) event = e;
      // A name that holds a number or a gap would change with it.
      else if ((shape.eventStart[e] as number) < nameEnd) return false;
    }
    shape.nameStart[i] = start;
    shape.nameEnd[i] = nameEnd;
    shape.nameEvent[i] = event;
  }
  shape.epochAt = m.epochAt;
  shape.stepAt = m.stepAt;
  shape.positionAt = m.positionAt;
  shape.context = m.context;
  return true;
}

/** Bytes that may follow a plain number: none of them goes on a number (`.`, `,`, `e`, `/`, `:`, `-`) or starts a unit. */
const AFTER_PLAIN = new Uint8Array(256);
for (const c of ' \t;|)]') AFTER_PLAIN[c.charCodeAt(0)] = 1;

/**
 * `-12`, `3.25`: a number without unit, total or exponent, followed by a blank, `;`, `|`, `)`, `]` or the line's end.
 * Whatever its digits, scanNumber makes of it a NUMBER token of its bytes alone, with its value, INTEGER when it has
 * no `.`, and LEADING_ZERO by its first digits: what `matches` writes for it. (After a space, scanNumber looks for a
 * unit word; the shape's line had none there, and a line of the shape has the same bytes there, or a wide gap, or a
 * number, none of which is a unit.)
 */
function isPlain(buf: Buffer, start: number, end: number, lineEnd: number): boolean {
  let i = buf[start] === 0x2d ? start + 1 : start;
  const intStart = i;
  while (i < end && isDigit(buf[i])) i++;
  if (i === intStart) return false;
  if (i < end && buf[i] === 0x2e) {
    const fraction = ++i;
    while (i < end && isDigit(buf[i])) i++;
    if (i === fraction) return false;
  }
  return i === end && (end === lineEnd || AFTER_PLAIN[buf[end] as number] === 1);
}

/** Adds the wide gaps of `buf[start, end)` (between tokens) that no name holds as events. */
function addGaps(shape: Shape, buf: Buffer, start: number, end: number, from: number, p: Pairs): boolean {
  let i = start;
  while (i < end) {
    if (buf[i] !== SPACE || buf[i + 1] !== SPACE || i + 1 >= end) {
      i++;
      continue;
    }
    let j = i + 2;
    while (j < end && buf[j] === SPACE) j++;
    let inName = false;
    for (let k = 0; k < p.count && !inName; k++) inName = (p.nameStart[k] as number) < j && (p.nameEnd[k] as number) > i;
    if (!inName) {
      if (shape.events >= MAX_EVENTS) return false;
      const e = shape.events++;
      shape.eventStart[e] = i - from;
      shape.eventEnd[e] = j - from;
      shape.eventToken[e] = GAP;
    }
    i = j;
  }
  return true;
}

/** Whether `buf[from, end)` has the shape; on a match the shape's number tokens are in `t`, read from the line. */
function matches(shape: Shape, buf: Buffer, from: number, end: number, t: Tokens): boolean {
  const bytes = shape.bytes;
  let i = from;
  let x = 0;
  for (let e = 0; e <= shape.events; e++) {
    // The bytes up to the next event are the shape's.
    const literalEnd = e < shape.events ? (shape.eventStart[e] as number) : shape.length;
    if (end - i < literalEnd - x) return false;
    for (; x < literalEnd; x++, i++) if (buf[i] !== bytes[x]) return false;
    if (e === shape.events) break;
    const eventEnd = shape.eventEnd[e] as number;
    const token = shape.eventToken[e] as number;
    if (token === GAP) {
      if (i + 1 >= end || buf[i] !== SPACE || buf[i + 1] !== SPACE) return false;
      i += 2;
      while (i < end && buf[i] === SPACE) i++;
    } else {
      // The same bytes but for the digit runs, whose lengths may differ.
      const start = i;
      while (x < eventEnd) {
        const b = bytes[x] as number;
        if (isDigit(b)) {
          if (i >= end || !isDigit(buf[i])) return false;
          while (x < eventEnd && isDigit(bytes[x])) x++;
          while (i < end && isDigit(buf[i])) i++;
        } else {
          if (i >= end || buf[i] !== b) return false;
          x++;
          i++;
        }
      }
      if (shape.plain[e] === 1) {
        if (!plainToken(t, token, buf, start, i, shape, e)) return false;
        x = eventEnd;
        shape.shift[e] = i - from - x;
        continue;
      }
      // The tokenizer's own reading of the number, as the token the shape's number made.
      t.count = token;
      t.glueAt = -1;
      scanNumber(buf, start, end, t, shape.gap[e] as number);
      if (t.count !== token + 1 || t.glueAt !== -1 || t.kind[token] !== shape.kind[e] || t.end[token] !== i) return false;
      if (shape.kind[e] === NUMBER) {
        const unitStart = t.unitStart[token] as number;
        if (
          t.flags[token] !== shape.flags[e] ||
          (unitStart < 0
            ? shape.unitLength[e] !== 0
            : unitStart - i !== shape.unitFrom[e] || (t.unitEnd[token] as number) - unitStart !== shape.unitLength[e]) ||
          totalClass(t.total[token] as number) !== shape.total[e] ||
          (Number.isFinite(t.value[token]) ? 1 : 0) !== shape.finite[e]
        )
          return false;
      }
    }
    x = eventEnd;
    shape.shift[e] = i - from - x;
  }
  return i === end;
}

/** Writes token `k` as scanNumber would for the plain number `buf[start, end)` (see `isPlain`); false when its flags or finiteness differ from the shape's. */
function plainToken(t: Tokens, k: number, buf: Buffer, start: number, end: number, shape: Shape, e: number): boolean {
  const intStart = buf[start] === 0x2d ? start + 1 : start;
  const flags = shape.flags[e] as number;
  const leadingZero = flags & INTEGER && buf[intStart] === 0x30 && end - intStart > 1 ? LEADING_ZERO : 0;
  if ((flags & LEADING_ZERO) !== leadingZero) return false;
  const value = metricNumberAt(buf, start, end) as number;
  if ((Number.isFinite(value) ? 1 : 0) !== shape.finite[e]) return false;
  t.kind[k] = NUMBER;
  t.made[k] = NUMBER;
  t.start[k] = start;
  t.end[k] = end;
  t.gap[k] = shape.gap[e] as number;
  t.flags[k] = flags;
  t.unitStart[k] = -1;
  t.unitEnd[k] = -1;
  t.value[k] = value;
  t.total[k] = Number.NaN;
  return true;
}
