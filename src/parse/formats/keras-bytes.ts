// Keras lines read from their bytes, before any decoding: the epoch header and progress lines, exactly as
// keras.ts reads their text (`readKerasProgress`, `Epoch N/M`). Where decoding could change the reading (a
// non-ASCII character that might be whitespace, a count too long for a double), the text reader decides.
import { isMetricNameAt, metricNumberAt } from '../number.js';

/** What `scanKerasLine` found. */
export const NOT_KERAS = 0;
export const EPOCH_HEADER = 1;
export const PROGRESS = 2;
/** Only the text reader can tell. */
export const UNSURE = 3;

const MAX_VALUES = 64;

/** Where a Keras line's parts are; one object, reused from line to line. */
export interface KerasScan {
  /** The header's epoch. */
  epoch: number;
  /** End of the `done/total` head, which starts the line; -1 for a duration head (`0s`). */
  countEnd: number;
  done: number;
  total: number;
  hasEta: boolean;
  /** The metric values: name start, name end, value start, value end, per value. */
  count: number;
  spans: Int32Array;
  values: Float64Array;
}

/** An empty scan to fill. */
export function kerasScan(): KerasScan {
  return {
    epoch: 0,
    countEnd: -1,
    done: Number.NaN,
    total: Number.NaN,
    hasEta: false,
    count: 0,
    spans: new Int32Array(MAX_VALUES * 4),
    values: new Float64Array(MAX_VALUES),
  };
}

const SPACE = 0x20;
const DASH = 0x2d;

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;
/** The ASCII characters String.prototype.trim removes. */
const isAsciiSpace = (b: number | undefined) => b === SPACE || (b !== undefined && b >= 0x09 && b <= 0x0d);

function matchBytes(buf: Buffer, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** The end of the digits at `from`. */
function digitsEnd(buf: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && isDigit(buf[i])) i++;
  return i;
}

/** The value of 1 to 15 digits (exact in a double). */
function digitsValue(buf: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + ((buf[i] as number) - 0x30);
  return value;
}

/** `^(?:\d+h ?)?(?:\d+m ?)?\d+s$` on ASCII bytes. */
function isDuration(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  let unit = 0; // 0: none yet, 1: hours seen, 2: minutes seen
  for (;;) {
    const digits = digitsEnd(buf, i, end);
    if (digits === i) return false;
    const letter = buf[digits];
    if (letter === 0x73) return digits + 1 === end;
    if (!((letter === 0x68 && unit === 0) || (letter === 0x6d && unit < 2))) return false;
    unit = letter === 0x68 ? 1 : 2;
    i = digits + 1;
    if (buf[i] === SPACE) i++;
  }
}

/** `Epoch N/M` on the whole trimmed line `[start, stop)`. */
function readHeader(buf: Buffer, start: number, stop: number, r: KerasScan): number {
  const epochEnd = digitsEnd(buf, start + 6, stop);
  if (epochEnd === start + 6 || buf[epochEnd] !== 0x2f) return NOT_KERAS;
  const totalEnd = digitsEnd(buf, epochEnd + 1, stop);
  if (totalEnd === epochEnd + 1 || totalEnd !== stop) return NOT_KERAS;
  if (epochEnd - start - 6 > 15) return UNSURE;
  r.epoch = digitsValue(buf, start + 6, epochEnd);
  return EPOCH_HEADER;
}

/** The `done/total` head of `[start, sep)`, as countHead reads it: its end, -1 when there is none, -2 when unsure. */
function readCount(buf: Buffer, start: number, sep: number, r: KerasScan): number {
  const doneEnd = digitsEnd(buf, start, sep);
  if (buf[doneEnd] !== 0x2f || doneEnd >= sep) return -1;
  let end = digitsEnd(buf, doneEnd + 1, sep);
  const unknown = end === doneEnd + 1 && matchBytes(buf, end, 'Unknown');
  if (unknown) end += 7;
  else if (end === doneEnd + 1) return -1;
  // Followed by whitespace or the end of the head; a non-ASCII character might be whitespace.
  if (end !== sep && !isAsciiSpace(buf[end])) return (buf[end] as number) >= 0x80 ? -2 : -1;
  // Counts that a double may not hold exactly are left to Number().
  if (doneEnd - start > 15 || (!unknown && end - doneEnd - 1 > 15)) return -2;
  r.done = digitsValue(buf, start, doneEnd);
  r.total = unknown ? Number.NaN : digitsValue(buf, doneEnd + 1, end);
  return end;
}

/** The head `[start, sep)`, as readKerasProgress reads it: a count or a duration (1), neither (0), or UNSURE. */
function readHead(buf: Buffer, start: number, sep: number, r: KerasScan): number {
  r.countEnd = readCount(buf, start, sep, r);
  if (r.countEnd === -2) return UNSURE;
  if (r.countEnd >= 0) return 1;
  let headEnd = sep;
  for (let i = start; i < sep; i++) if ((buf[i] as number) >= 0x80) return UNSURE;
  while (headEnd > start && isAsciiSpace(buf[headEnd - 1])) headEnd--;
  return isDuration(buf, start, headEnd) ? 1 : 0;
}

/**
 * Reads one ` - `-separated part `[from, to)`, whose first `: ` is at `colon` (-1: none), into `r`; false when only
 * the text can tell. A non-ASCII character inside a name or a value makes it no metric either way; at the edges it
 * might be whitespace that trim() removes.
 */
function readPart(buf: Buffer, from: number, to: number, colon: number, r: KerasScan): boolean {
  let start = from;
  let end = to;
  while (start < end && isAsciiSpace(buf[start])) start++;
  while (end > start && isAsciiSpace(buf[end - 1])) end--;
  if (start < end && ((buf[start] as number) >= 0x80 || (buf[end - 1] as number) >= 0x80)) return false;
  if (colon < 0 || colon + 1 >= end || colon === start) return true;
  if (colon - start === 3 && matchBytes(buf, start, 'ETA')) {
    r.hasEta = true;
    return true;
  }
  let valueStart = colon + 2;
  while (valueStart < end && isAsciiSpace(buf[valueStart])) valueStart++;
  if ((buf[valueStart] as number) >= 0x80 && valueStart < end) return false;
  const value = metricNumberAt(buf, valueStart, end);
  if (value === undefined || !isMetricNameAt(buf, start, colon)) return true;
  const k = r.count * 4;
  r.spans[k] = start;
  r.spans[k + 1] = colon;
  r.spans[k + 2] = valueStart;
  r.spans[k + 3] = end;
  r.values[r.count++] = value;
  return true;
}

/**
 * Reads the line `buf[start, end)` (leading spaces and tabs already skipped) as KerasParser reads its text:
 * NOT_KERAS, EPOCH_HEADER, PROGRESS (with values), or UNSURE when the text reader must decide.
 */
export function scanKerasLine(buf: Buffer, start: number, end: number, r: KerasScan): number {
  const first = buf[start];
  if (first === undefined || start >= end) return NOT_KERAS;
  if (first >= 0x80 || isAsciiSpace(first)) return UNSURE;
  let stop = end;
  while (stop > start && isAsciiSpace(buf[stop - 1])) stop--;
  if ((buf[stop - 1] as number) >= 0x80) return UNSURE;
  if (stop - start >= 6 && matchBytes(buf, start, 'Epoch ')) return readHeader(buf, start, stop, r);
  // Both heads start with a digit.
  if (!isDigit(first)) return NOT_KERAS;
  r.count = 0;
  r.hasEta = false;
  r.done = r.total = Number.NaN;
  // One pass: split at ` - ` as String.split does, noting each part's first `: `.
  let partStart = start;
  let colon = -1;
  for (let i = start; i < stop; i++) {
    const b = buf[i];
    if (b === 0x3a) {
      if (colon < 0 && buf[i + 1] === SPACE) colon = i;
    } else if (b === SPACE && buf[i + 1] === DASH && buf[i + 2] === SPACE && i + 2 < stop) {
      if (partStart === start) {
        const head = readHead(buf, start, i, r);
        if (head !== 1) return head === 0 ? NOT_KERAS : UNSURE;
      } else if (r.count === MAX_VALUES || !readPart(buf, partStart, i, colon, r)) return UNSURE;
      partStart = i + 3;
      colon = -1;
      i += 2;
    }
  }
  if (partStart === start) return NOT_KERAS;
  if (r.count === MAX_VALUES || !readPart(buf, partStart, stop, colon, r)) return UNSURE;
  return r.count > 0 ? PROGRESS : NOT_KERAS;
}
