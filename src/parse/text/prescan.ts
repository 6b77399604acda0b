// A first look at a line, cheaper than its tokens: which of the reader's words it holds, whether it has digits, and
// whether it has words in a row (as sentences do). Most lines of a log are ruled out here.
import { EPOCH, givingWordFlags, keyWordFlags, LEVEL, STEP, UNIT } from './words.js';

export const HAS_DIGIT = 1 << 16;
export const HAS_BRACE = 1 << 17;
export const HAS_HASH = 1 << 18;
/** A word follows a word (`data loader fetched`): a line without metric words is then prose. */
export const WORDS_IN_A_ROW = 1 << 19;
/** `mayGiveText` holds (see `firstLook`). */
export const MAY_GIVE = 1 << 20;
/** A blank between two other bytes (see `hasInnerBlank`). */
export const INNER_BLANK = 1 << 21;
/** `lookAtLine`: the line gives nothing, whatever its tokens (no marker or metric word). */
export const CANNOT_GIVE = 1 << 22;

/** Bytes by what they are to a line's words. */
const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
/** `_`: goes on a word, and starts one. */
const UNDERSCORE = 3;
/** `@`: goes on a word (`Acc@1`), never starts one. */
const AT = 4;
/** `.`, `-`, `/`: go on a word between two of its bytes (`val/loss`, `top-1`). */
const JOINER = 5;
const BRACE = 6;
const CLASS = new Uint8Array(256);
/** 1 for bytes that go on a word (letters, digits, `_`, `@`). */
const WORD_BYTE = new Uint8Array(256);
/** 1 for bytes that start a word (letters, `_`). */
const WORD_START = new Uint8Array(256);
for (let b = 0; b < 256; b++) CLASS[b] = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a ? LETTER : b >= 0x30 && b <= 0x39 ? DIGIT : OTHER;
CLASS[0x5f] = UNDERSCORE;
CLASS[0x40] = AT;
for (const joiner of '.-/') CLASS[joiner.charCodeAt(0)] = JOINER;
CLASS[0x7b] = BRACE;
for (let b = 0; b < 256; b++) {
  const k = CLASS[b] as number;
  WORD_START[b] = k === LETTER || k === UNDERSCORE ? 1 : 0;
  WORD_BYTE[b] = k >= LETTER && k <= AT ? 1 : 0;
}

/** Words that may follow another word in a metric line: markers, units, logging levels. */
const FOLLOWERS = EPOCH | STEP | UNIT;
/** Words that may be followed by another word: markers (`epoch ...`), logging levels (`INFO step 3`). */
const LEADERS = EPOCH | STEP | LEVEL;

/** The flags of the reader's words on `buf[start, end)` (EPOCH, STEP, METRIC, ...) with HAS_DIGIT, HAS_BRACE, HAS_HASH, WORDS_IN_A_ROW. */
export function prescan(buf: Uint8Array, start: number, end: number): number {
  let flags = 0;
  let lastWord = -1;
  let i = start;
  while (i < end) {
    const b = buf[i] as number;
    if (WORD_START[b] === 1) {
      const from = i;
      i = wordEnd(buf, i, end);
      const word = keyWordFlags(buf, from, i);
      flags |= word;
      if (lastWord >= 0 && !(lastWord & LEADERS) && !(word & FOLLOWERS)) flags |= WORDS_IN_A_ROW;
      lastWord = word;
      continue;
    }
    i++;
    if (b === 0x20) continue;
    lastWord = -1;
    if (b >= 0x30 && b <= 0x39) flags |= HAS_DIGIT;
    else if (b === 0x7b) flags |= HAS_BRACE;
    else if (b === 0x23) flags |= HAS_HASH;
  }
  return flags;
}

/**
 * HAS_DIGIT and HAS_BRACE of `buf[start, end)` as `prescan` finds them (digits inside words do not count), without
 * looking words up, and INNER_BLANK when `hasInnerBlank` holds: what the text reader needs of a line it tokenizes
 * whatever its words (while its no-metrics hint is active), when the line has digits. One pass.
 */
export function digitsAndBraces(buf: Uint8Array, start: number, end: number): number {
  let flags = 0;
  /** 1 once a byte other than a blank was seen, 2 when a blank followed it. */
  let blank = 0;
  let i = start;
  while (i < end) {
    const b = buf[i] as number;
    if (b === 0x20 || b === 0x09) {
      if (blank === 1) blank = 2;
      i++;
      continue;
    }
    if (blank === 2) flags |= INNER_BLANK;
    blank = 1;
    if (WORD_START[b] === 1) {
      i = wordEnd(buf, i, end);
      continue;
    }
    if (b >= 0x30 && b <= 0x39) flags |= HAS_DIGIT;
    else if (b === 0x7b) flags |= HAS_BRACE;
    i++;
  }
  return flags;
}

/**
 * Whether `buf[start, end)` has a blank (space or tab) between two other bytes: a line without one is a single
 * token, never a table's header (which has three columns at least).
 */
export function hasInnerBlank(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  for (; i < end; i++) {
    const b = buf[i];
    if (b === 0x20 || b === 0x09) {
      for (let j = i + 1; j < end; j++) if (buf[j] !== 0x20 && buf[j] !== 0x09) return true;
      return false;
    }
  }
  return false;
}

const isLetter = (b: number) => (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);

/**
 * Whether tokenizing `buf[start, end)` can give the text reader anything: false only when no run of letters (with
 * the digits right after it: `top1`) is an epoch or step word, a context word or a metric word. Exact, unlike
 * `prescan`'s word flags: every marker word, every context word before a timm position, every metric part of a
 * pair's name (nameFlags) and every word glued to a number (`0.5epoch`) is such a run. A line without one, and
 * without a `{`, gives no point, no header, no glued or embedded pieces, whatever its tokens.
 */
export function mayGiveText(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    if (!isLetter(buf[i] as number)) {
      i++;
      continue;
    }
    const from = i;
    i++;
    while (i < end && isLetter(buf[i] as number)) i++;
    if (givingWordFlags(buf, from, i) !== 0) return true;
    const letters = i;
    while (i < end && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) i++;
    if (i > letters && givingWordFlags(buf, from, i) !== 0) return true;
  }
  return false;
}

/**
 * `digitsAndBraces`, with MAY_GIVE when `mayGiveText` holds, in one pass over the line (the first look where no
 * hint is kept; most lines it rules out). Every letter is inside a word (a word starts at any letter or `_`), and
 * a run of letters ends where its word does or sooner, so each word's runs of letters, with the digits right
 * after them, are those mayGiveText looks up. Each run is looked up where it ends, once MAY_GIVE is not had yet.
 */
export function firstLook(buf: Uint8Array, start: number, end: number): number {
  let flags = 0;
  let i = start;
  while (i < end) {
    const c = CLASS[buf[i] as number] as number;
    if (c !== LETTER && c !== UNDERSCORE) {
      if (c === DIGIT) flags |= HAS_DIGIT;
      else if (c === BRACE) flags |= HAS_BRACE;
      i++;
      continue;
    }
    // A word: its bytes, and a joiner between two of them.
    while (i < end) {
      const k = CLASS[buf[i] as number] as number;
      if (k === LETTER) {
        const from = i++;
        while (i < end && CLASS[buf[i] as number] === LETTER) i++;
        if (!(flags & MAY_GIVE)) flags |= givingRun(buf, from, i, end);
      } else if (k === DIGIT || k === UNDERSCORE || k === AT) i++;
      else if (k === JOINER && i + 1 < end && WORD_BYTE[buf[i + 1] as number] === 1) i++;
      else break;
    }
  }
  return flags;
}

/** MAY_GIVE when the run of letters `buf[from, to)` (alone, or with the digits right after it) is a giving word. */
function givingRun(buf: Uint8Array, from: number, to: number, end: number): number {
  if (givingWordFlags(buf, from, to) !== 0) return MAY_GIVE;
  let i = to;
  while (i < end && CLASS[buf[i] as number] === DIGIT) i++;
  return i > to && givingWordFlags(buf, from, i) !== 0 ? MAY_GIVE : 0;
}

/** The end of the word that starts at `from`: word bytes, and `.`, `-` or `/` between them (`val/loss`, `top-1`). */
function wordEnd(buf: Uint8Array, from: number, end: number): number {
  let i = from + 1;
  while (i < end) {
    const c = buf[i] as number;
    if (WORD_BYTE[c] === 1) i++;
    else if ((c === 0x2e || c === 0x2d || c === 0x2f) && i + 1 < end && WORD_BYTE[buf[i + 1] as number] === 1) i += 2;
    else break;
  }
  return i;
}

/**
 * The text reader's first look at a line, the cheapest that tells what it needs:
 * - no hint active (see hint.ts): prescan's flags;
 * - the hint keeping lines: every line with digits is tokenized, so only HAS_DIGIT and HAS_BRACE;
 * - the hint active but keeping none: the same, or CANNOT_GIVE for a line with digits but no marker or metric word.
 * A line without digits gives nothing unless it holds a brace or may be a table's header (a blank between two
 * tokens): only then are its words looked up. A job that prints no metrics, or a stream of warnings, has only such
 * lines, and each is read in one pass.
 */
export function lookAtLine(buf: Uint8Array, start: number, end: number, hintActive: boolean, keeping: boolean, tables: boolean): number {
  if (!hintActive) return prescan(buf, start, end);
  const scan = keeping ? digitsAndBraces(buf, start, end) : firstLook(buf, start, end);
  if (!(scan & HAS_DIGIT)) {
    const header = tables && (keeping ? (scan & INNER_BLANK) !== 0 : hasInnerBlank(buf, start, end));
    return scan & HAS_BRACE || header ? prescan(buf, start, end) : 0;
  }
  if (!keeping && !(scan & (HAS_BRACE | MAY_GIVE))) return CANNOT_GIVE;
  return scan & (HAS_DIGIT | HAS_BRACE);
}
