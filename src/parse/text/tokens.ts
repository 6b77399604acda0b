// A line of text as tokens, read from its bytes in one pass: words, numbers (with the unit printed after them),
// and the punctuation that separates names from values and items from items. Dates, times, versions, paths and
// hexadecimal are single `OTHER` tokens, never numbers.
import { metricNumberAt } from '../number.js';
import { EPOCH, HASH_START, hashedWordFlags, hashStep, STEP, UNIT, wordFlags } from './words.js';

export const WORD = 1;
export const NUMBER = 2;
export const COLON = 3;
export const EQUALS = 4;
/** Between items: `|`, `,`, `;`, a tab, ` - `. */
export const DELIM = 5;
export const OPEN = 6;
export const CLOSE = 7;
/** A `/` on its own (`100 / 1000`). */
export const SLASH = 8;
export const OTHER = 9;
/** Decoration: `--`, `===`, `*`, `#`. */
export const DECO = 10;
/** `{`: a dict may start here. */
export const BRACE = 11;
/** A token a marker or a pair has used. */
export const USED = 0;
/** Past the line's last token. */
export const END = 12;

/** Number flags. */
export const INTEGER = 1;
export const LEADING_ZERO = 2;

export const MAX_TOKENS = 256;
/** How far past the last token the readers look (markers.ts, pairs.ts) without checking the count. */
const LOOKAHEAD = 8;
const SIZE = MAX_TOKENS + LOOKAHEAD;

const SPACE = 0x20;
const TAB = 0x09;

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;
const isLetter = (b: number | undefined): b is number => b !== undefined && ((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x5f);
const isWordByte = (b: number | undefined) => isLetter(b) || isDigit(b) || b === 0x40;
const isMicro = (buf: Uint8Array, i: number, end: number) => i + 1 < end && buf[i] === 0xc2 && buf[i + 1] === 0xb5;
/** The byte at `i`, or undefined past the line's end (the bytes after it are another line's). */
const byteAt = (buf: Uint8Array, i: number, end: number) => (i < end ? buf[i] : undefined);

/** A line's tokens, in parallel arrays reused from line to line. */
export class Tokens {
  count = 0;
  readonly kind = new Uint8Array(SIZE);
  /** The kind each token was made with (markers and pairs mark the tokens they use USED in `kind`). */
  readonly made = new Uint8Array(SIZE);
  readonly start = new Int32Array(SIZE);
  readonly end = new Int32Array(SIZE);
  /** Blank before the token: 0 none, 1 a space, 2 more (or a tab). */
  readonly gap = new Uint8Array(SIZE);
  /** A word's flags (words.ts), a number's (INTEGER, LEADING_ZERO). */
  readonly flags = new Int32Array(SIZE);
  readonly value = new Float64Array(SIZE);
  /** The `b` of a number printed `a/b`; NaN otherwise. */
  readonly total = new Float64Array(SIZE);
  /** The unit printed after a number (`45ms`, `12.3 GiB`), or -1. */
  readonly unitStart = new Int32Array(SIZE);
  readonly unitEnd = new Int32Array(SIZE);
  /** The flags of all words together. */
  wordFlags = 0;
  numbers = 0;
  /** Where a second line glued to this one starts (`loss 0.5epoch 2 ...`), or -1. */
  glueAt = -1;
  buf: Uint8Array = new Uint8Array(0);

  /** The text of token `k`. */
  text(k: number): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength).toString('utf8', this.start[k], this.end[k]);
  }
}

/** Splits `buf[start, end)` into tokens. */
export function tokenize(buf: Buffer, start: number, end: number, t: Tokens): void {
  t.count = 0;
  t.wordFlags = 0;
  t.numbers = 0;
  t.glueAt = -1;
  t.buf = buf;
  let gap = 0;
  let i = start;
  while (i < end && t.count < MAX_TOKENS) {
    const b = buf[i] as number;
    if (b === SPACE) {
      let j = i + 1;
      while (j < end && buf[j] === SPACE) j++;
      gap = j - i >= 2 ? 2 : Math.max(gap, 1);
      i = j;
      continue;
    }
    if (b === TAB) {
      i = push(t, DELIM, i, i + 1, 2);
      gap = 2;
      continue;
    }
    const from = i;
    if (isLetter(b)) {
      i = scanWord(buf, i, end);
      const flags = hashedWordFlags(buf, from, i, wordHash);
      t.wordFlags |= flags;
      if (isSpecialNumber(buf, from, i) && !insideName(buf, from, i, end, t)) pushNumber(t, from, i, gap, readSpecial(buf, from), 0);
      else {
        push(t, WORD, from, i, gap);
        t.flags[t.count - 1] = flags;
        usedAsUnit(t, from);
      }
    } else if (isDigit(b) || ((b === 0x2e || b === 0x2d || b === 0x2b) && startsNumber(buf, i, end, t))) i = scanNumber(buf, i, end, t, gap);
    else if (b === 0x3a) i = push(t, COLON, i, i + 1, gap);
    else if (b === 0x3d) i = byteAt(buf, i + 1, end) === 0x3d ? pushRun(t, DECO, buf, i, end, gap) : push(t, EQUALS, i, i + 1, gap);
    else if (b === 0x7c || b === 0x3b || b === 0x2c) i = push(t, DELIM, i, i + 1, gap);
    else if (b === 0x2d) {
      if (byteAt(buf, i + 1, end) === 0x2d) i = pushRun(t, DECO, buf, i, end, gap);
      else if (gap > 0 && (i + 1 >= end || buf[i + 1] === SPACE)) i = push(t, DELIM, i, i + 1, gap);
      else i = pushOther(t, buf, i, end, gap);
    } else if (b === 0x5b || b === 0x28 || b === 0x3c) i = push(t, OPEN, i, i + 1, gap);
    else if (b === 0x5d || b === 0x29 || b === 0x3e || b === 0x7d) i = push(t, CLOSE, i, i + 1, gap);
    else if (b === 0x7b) i = push(t, BRACE, i, i + 1, gap);
    else if (b === 0x2f)
      i = i + 1 >= end || buf[i + 1] === SPACE || isDigit(byteAt(buf, i + 1, end)) ? push(t, SLASH, i, i + 1, gap) : pushOther(t, buf, i, end, gap);
    else if (b === 0x2a || b === 0x23 || b === 0x7e) i = pushRun(t, DECO, buf, i, end, gap);
    else if (b === 0x25) {
      i = push(t, WORD, i, i + 1, gap);
      t.flags[t.count - 1] = UNIT;
    } else i = pushOther(t, buf, i, end, gap);
    gap = 0;
  }
  // Past the last token the readers find END, never a token of an earlier line.
  for (let k = t.count; k < t.count + LOOKAHEAD; k++) t.kind[k] = END;
}

/** The word just pushed is the unit of the number before it (`12.3 GiB`): used. */
function usedAsUnit(t: Tokens, from: number): void {
  const k = t.count - 1;
  if (k > 0 && t.kind[k - 1] === NUMBER && t.unitStart[k - 1] === from) t.kind[k] = USED;
}

function push(t: Tokens, kind: number, start: number, end: number, gap: number): number {
  const k = t.count++;
  t.kind[k] = kind;
  t.made[k] = kind;
  t.start[k] = start;
  t.end[k] = end;
  t.gap[k] = gap;
  t.flags[k] = 0;
  t.unitStart[k] = -1;
  t.unitEnd[k] = -1;
  return end;
}

/** A run of the same byte (`----`, `===`, `**`). */
function pushRun(t: Tokens, kind: number, buf: Uint8Array, i: number, end: number, gap: number): number {
  let j = i + 1;
  while (j < end && buf[j] === buf[i]) j++;
  return push(t, kind, i, j, gap);
}

/** Anything else, up to the next blank: a path, a URL, a flag, a quoted word, box drawing. */
function pushOther(t: Tokens, buf: Uint8Array, i: number, end: number, gap: number): number {
  let j = i + 1;
  while (j < end && buf[j] !== SPACE && buf[j] !== TAB) j++;
  return push(t, OTHER, i, j, gap);
}

/** The hash of the word scanWord read last (see words.ts). */
let wordHash = 0;

/** Letters, digits, `_`, `@`, and `.`, `-`, `/` between them: `val_loss`, `Acc@1`, `accuracy/top1`, `tok/s`. */
function scanWord(buf: Uint8Array, i: number, end: number): number {
  let hash = hashStep(HASH_START, buf[i] as number);
  let j = i + 1;
  while (j < end) {
    const c = buf[j] as number;
    if (isWordByte(c)) {
      hash = hashStep(hash, c);
      j++;
    } else if ((c === 0x2e || c === 0x2d || c === 0x2f) && j + 1 < end && isWordByte(buf[j + 1])) {
      hash = hashStep(hashStep(hash, c), buf[j + 1] as number);
      j += 2;
    } else break;
  }
  wordHash = hash;
  return j;
}

/** `nan`, `inf`, `infinity` in any case (a value, where a value is expected). */
function isSpecialNumber(buf: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n !== 3 && n !== 8) return false;
  const a = (buf[start] as number) | 0x20;
  const b = (buf[start + 1] as number) | 0x20;
  const c = (buf[start + 2] as number) | 0x20;
  if (a === 0x6e) return n === 3 && b === 0x61 && c === 0x6e;
  if (a !== 0x69 || b !== 0x6e || c !== 0x66) return false;
  if (n === 3) return true;
  const rest = 'inity';
  for (let i = 0; i < 5; i++) if (((buf[start + 3 + i] as number) | 0x20) !== rest.charCodeAt(i)) return false;
  return true;
}

/**
 * `nan` or `inf` in the middle of a name that a `:` or `=` ends (Megatron's `number of nan iterations: 0`): a word
 * there, not a value. Only between two words one space apart, the next of which ends the name.
 */
function insideName(buf: Uint8Array, start: number, end: number, lineEnd: number, t: Tokens): boolean {
  const prev = t.count - 1;
  if (prev < 0 || t.kind[prev] !== WORD || t.end[prev] !== start - 1 || buf[start - 1] !== 0x20) return false;
  if (buf[end] !== 0x20 || !isLetter(byteAt(buf, end + 1, lineEnd))) return false;
  const next = scanWord(buf, end + 1, lineEnd);
  const after = byteAt(buf, next, lineEnd);
  return after === 0x3a || after === 0x3d;
}

function readSpecial(buf: Uint8Array, start: number): number {
  return ((buf[start] as number) | 0x20) === 0x6e ? Number.NaN : Number.POSITIVE_INFINITY;
}

/** A sign or `.` at `i` starts a number (`-0.35`, `.5`, `-inf`) when it does not go on from a word or number. */
function startsNumber(buf: Uint8Array, i: number, end: number, t: Tokens): boolean {
  const prev = t.count - 1;
  if (prev >= 0 && t.end[prev] === i && (t.kind[prev] === WORD || t.kind[prev] === NUMBER)) return false;
  const next = byteAt(buf, i + 1, end);
  if (isDigit(next)) return true;
  if (next === 0x2e && buf[i] !== 0x2e) return isDigit(byteAt(buf, i + 2, end));
  return buf[i] !== 0x2e && i + 4 <= end && isLetter(next) && isSpecialNumber(buf, i + 1, Math.min(end, scanWord(buf, i + 1, end)));
}

function pushNumber(t: Tokens, start: number, end: number, gap: number, value: number, flags: number): void {
  push(t, NUMBER, start, end, gap);
  const k = t.count - 1;
  t.value[k] = value;
  t.total[k] = Number.NaN;
  t.flags[k] = flags;
  t.numbers++;
}

/** A number, and what is printed right after it: a unit, `/total`; or, when it is a date, time or version, an OTHER token. */
export function scanNumber(buf: Buffer, i: number, end: number, t: Tokens, gap: number): number {
  const from = i;
  let j = i;
  if (buf[j] === 0x2d || buf[j] === 0x2b) j++;
  if (isLetter(byteAt(buf, j, end))) {
    // -inf, -nan
    const wordEnd = scanWord(buf, j, end);
    pushNumber(t, from, wordEnd, gap, (buf[from] === 0x2d ? -1 : 1) * readSpecial(buf, j), 0);
    return wordEnd;
  }
  const intStart = j;
  let thousands = false;
  while (j < end && isDigit(buf[j])) j++;
  // 12,345 and 1,234,567: groups of three after one to three digits.
  if (j - intStart <= 3 && byteAt(buf, j, end) === 0x2c) {
    let k = j;
    while (k + 4 <= end && buf[k] === 0x2c && isDigit(buf[k + 1]) && isDigit(buf[k + 2]) && isDigit(buf[k + 3]) && !isDigit(byteAt(buf, k + 4, end))) k += 4;
    if (k > j) {
      thousands = true;
      j = k;
    }
  }
  let integer = true;
  if (byteAt(buf, j, end) === 0x2e && isDigit(byteAt(buf, j + 1, end))) {
    integer = false;
    j++;
    while (j < end && isDigit(buf[j])) j++;
  } else if (byteAt(buf, j, end) === 0x2e && j === intStart) return pushOther(t, buf, from, end, gap);
  const e1 = byteAt(buf, j + 1, end);
  if ((byteAt(buf, j, end) === 0x65 || buf[j] === 0x45) && (isDigit(e1) || ((e1 === 0x2d || e1 === 0x2b) && isDigit(byteAt(buf, j + 2, end))))) {
    integer = false;
    j += 2;
    while (j < end && isDigit(buf[j])) j++;
  }
  const numberEnd = j;
  const next = byteAt(buf, j, end);
  // Versions (2.1.0), dates (2024-01-02, 01/02/2024), times (12:00:00), ranges, hexadecimal: not values.
  if ((next === 0x2e || next === 0x2d || next === 0x3a) && isDigit(byteAt(buf, j + 1, end))) return pushOther(t, buf, from, end, gap);
  const value = thousands ? Number(Buffer.from(buf.subarray(from, numberEnd)).toString('latin1').replace(/,/g, '')) : metricNumberAt(buf, from, numberEnd);
  if (value === undefined) return pushOther(t, buf, from, end, gap);
  const leadingZero = integer && buf[intStart] === 0x30 && numberEnd - intStart > 1 ? LEADING_ZERO : 0;
  pushNumber(t, from, numberEnd, gap, value, (integer ? INTEGER : 0) | leadingZero);
  const k = t.count - 1;
  if (next === 0x2f && isDigit(byteAt(buf, j + 1, end))) {
    // a/b: a fraction, or a count of a total.
    let e = j + 1;
    while (e < end && isDigit(buf[e])) e++;
    const after = byteAt(buf, e, end);
    if (after === 0x2f || after === 0x2e || after === 0x2d || after === 0x3a || isLetter(after)) return otherFrom(t, k, buf, from, end);
    t.total[k] = digitsValue(buf, j + 1, e);
    t.end[k] = e;
    return e;
  }
  if (isLetter(next) || next === 0x25 || isMicro(buf, j, end)) return unitSuffix(t, k, buf, j, end);
  if (next === SPACE && j + 1 < end) unitWord(t, k, buf, j + 1, end);
  return j;
}

/** The value of the digits `buf[start, end)`, as Number() reads their text: exact up to 15 digits, read from bytes. */
function digitsValue(buf: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(buf.toString('latin1', start, end));
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + ((buf[i] as number) - 0x30);
  return value;
}

/** Turns number token `k` back into an OTHER token reaching to the next blank. */
function otherFrom(t: Tokens, k: number, buf: Uint8Array, from: number, end: number): number {
  t.count = k;
  t.numbers--;
  return pushOther(t, buf, from, end, t.gap[k] as number);
}

/** `45ms`, `85.20%`, `3.21G`, `503us/step`, `1.95it/s`; `0.5epoch` is two lines glued; `3x3`, `0x1F` are not numbers. */
function unitSuffix(t: Tokens, k: number, buf: Uint8Array, from: number, end: number): number {
  let j = from;
  while (j < end) {
    const c = buf[j];
    if (isLetter(c) || c === 0x25) j++;
    else if (isMicro(buf, j, end)) j += 2;
    else if (c === 0x2f && j + 1 < end && isLetter(buf[j + 1])) j++;
    else break;
  }
  if (isDigit(byteAt(buf, j, end)) || byteAt(buf, j, end) === 0x2e) return otherFrom(t, k, buf, t.start[k] as number, end);
  const flags = wordFlags(buf, from, j);
  if (flags & (EPOCH | STEP)) {
    // A line that another process's output cut short: the next one starts here.
    t.glueAt = from;
    return from;
  }
  if (!(flags & UNIT) && !isRateUnit(buf, from, j)) return otherFrom(t, k, buf, t.start[k] as number, end);
  t.unitStart[k] = from;
  t.unitEnd[k] = j;
  t.end[k] = j;
  return j;
}

/** `X/s`, `X/step`, `X/it`, `X/iter`, `X/epoch`, `X/GPU`: a rate or a share. */
function isRateUnit(buf: Uint8Array, start: number, end: number): boolean {
  let slash = end - 1;
  while (slash > start && buf[slash] !== 0x2f) slash--;
  return slash > start && slash < end - 1 && end - start <= 16;
}

/** A unit printed as a word after the number: `12.3 GiB`, `97.5 %`, `0.00 seconds`, `12345 tok/s`. */
function unitWord(t: Tokens, k: number, buf: Uint8Array, from: number, end: number): void {
  let j = from;
  if (buf[j] === 0x25) j++;
  else {
    while (j < end && (isLetter(buf[j]) || (buf[j] === 0x2f && isLetter(byteAt(buf, j + 1, end))))) j++;
    if (j === from || !(wordFlags(buf, from, j) & UNIT || isRateUnit(buf, from, j))) return;
  }
  const after = byteAt(buf, j, end);
  if (j < end && after !== SPACE && after !== 0x2c && after !== 0x29 && after !== 0x7c && after !== 0x2e && after !== 0x3b && after !== TAB) return;
  t.unitStart[k] = from;
  t.unitEnd[k] = j;
}
