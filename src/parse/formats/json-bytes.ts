// The shape nearly every JSON metric line has, read from its bytes without decoding the line or calling
// JSON.parse: `{"metric": "loss", "value": 0.5, "step": 3}`, keys metric, value, step, epoch, context in any order,
// no escapes, and other keys (which the full reader ignores too) with a number, a string, true, false or null.
// Anything else (a timestamp, a nested value) is left to the full reader (which also words the warnings).
import { metricNumberAt } from '../number.js';

/** Where each field's text is in the line (-1 when absent), and what its numbers look like. */
export interface MetricLineRanges {
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
  stepStart: number;
  stepEnd: number;
  epochStart: number;
  epochEnd: number;
  contextStart: number;
  contextEnd: number;
  /** Step and epoch are plain integers (no fraction, no exponent). */
  stepIsInteger: boolean;
  epochIsInteger: boolean;
  /** Every number has an exponent of at most two digits, so none overflows. */
  smallExponents: boolean;
  /** Name and context are ASCII. */
  ascii: boolean;
}

/** Ranges for a line not read yet; scanMetricLine fills them in. */
export function newMetricLineRanges(): MetricLineRanges {
  return {
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
}

/** The fields read; one object, reused from line to line. */
export interface MetricFields {
  name: string;
  value: number;
  step: number | undefined;
  epoch: number | undefined;
  context: string | undefined;
}

const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;

function skipSpaces(buf: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  return i;
}

/** Scratch for the last number scanned. */
const scanned = { integer: true, exponentDigits: 0 };

/** The end of a JSON number at `from` (strict grammar), or -1 when there is none. */
function scanNumber(buf: Buffer, from: number, end: number): number {
  let i = from;
  scanned.integer = true;
  scanned.exponentDigits = 0;
  if (buf[i] === 0x2d) i++;
  if (buf[i] === 0x30) i++;
  else if (isDigit(buf[i])) while (i < end && isDigit(buf[i])) i++;
  else return -1;
  if (buf[i] === 0x2e) {
    scanned.integer = false;
    i++;
    if (!isDigit(buf[i])) return -1;
    while (i < end && isDigit(buf[i])) i++;
  }
  if (buf[i] === 0x65 || buf[i] === 0x45) {
    scanned.integer = false;
    i++;
    if (buf[i] === 0x2d || buf[i] === 0x2b) i++;
    const digits = i;
    while (i < end && isDigit(buf[i])) i++;
    scanned.exponentDigits = i - digits;
    if (i === digits) return -1;
  }
  return i;
}

/** The value of a number `scanNumber` accepted. */
export function numberValue(buf: Buffer, start: number, end: number): number {
  return metricNumberAt(buf, start, end) as number;
}

/** Where a string's contents end (its closing quote), or -1 for escapes, control characters or no end. */
function stringEnd(buf: Buffer, from: number, end: number, ranges: MetricLineRanges): number {
  for (let i = from; i < end; i++) {
    const b = buf[i] as number;
    if (b === QUOTE) return i;
    if (b === 0x5c || b < SPACE) return -1;
    if (b >= 0x80) ranges.ascii = false;
  }
  return -1;
}

const keyBytes = ['metric', 'value', 'step', 'epoch', 'context'].map((key) => Uint8Array.from(key, (c) => c.charCodeAt(0)));
const TIMESTAMP = Uint8Array.from('timestamp', (c) => c.charCodeAt(0));
const LITERALS = ['true', 'false', 'null'].map((word) => Uint8Array.from(word, (c) => c.charCodeAt(0)));

/**
 * The end of the value of a key the reader does not use, at `from`: a number, a string without escapes, true, false
 * or null; -1 for anything else (an object, an array), which the full reader reads.
 */
function otherValueEnd(buf: Buffer, from: number, end: number, r: MetricLineRanges): number {
  const first = buf[from];
  if (first === QUOTE) {
    const ascii: boolean = r.ascii;
    const close = stringEnd(buf, from + 1, end, r);
    r.ascii = ascii;
    return close < 0 ? -1 : close + 1;
  }
  if (first === 0x74 || first === 0x66 || first === 0x6e) {
    const word = LITERALS[first === 0x74 ? 0 : first === 0x66 ? 1 : 2] as Uint8Array;
    return hasAt(buf, from, end, word) ? from + word.length : -1;
  }
  return scanNumber(buf, from, end);
}

/** Which key: 0 metric, 1 value, 2 step, 3 epoch, 4 context; -1 for any other. */
function keyOf(buf: Buffer, start: number, length: number): number {
  const first = buf[start];
  const index = first === 0x6d ? 0 : first === 0x76 ? 1 : first === 0x73 ? 2 : first === 0x65 ? 3 : first === 0x63 ? 4 : -1;
  if (index < 0) return -1;
  const key = keyBytes[index] as Uint8Array;
  if (key.length !== length) return -1;
  for (let i = 1; i < length; i++) if (buf[start + i] !== key[i]) return -1;
  return index;
}

/** Finds the fields of `buf[start, end)` (which starts with `{`) when the line has the common shape. */
export function scanMetricLine(buf: Buffer, start: number, end: number, r: MetricLineRanges): boolean {
  return scanDumpsLayout(buf, start, end, r) || scanAnyLayout(buf, start, end, r);
}

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const METRIC_KEY = bytesOf('{"metric": "');
const VALUE_KEY = bytesOf('", "value": ');
const STEP_KEY = bytesOf(', "step": ');
const EPOCH_KEY = bytesOf(', "epoch": ');

function hasAt(buf: Buffer, at: number, end: number, text: Uint8Array): boolean {
  if (at + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (buf[at + k] !== text[k]) return false;
  return true;
}

/**
 * The layout Python's json.dumps gives `{"metric": name, "value": v}` with a step or an epoch, checked as fixed text
 * rather than key by key; false for any other layout (which scanAnyLayout reads, to the same ranges).
 */
export function scanDumpsLayout(buf: Buffer, start: number, end: number, r: MetricLineRanges): boolean {
  if (!hasAt(buf, start, end, METRIC_KEY)) return false;
  r.stepStart = r.stepEnd = r.epochStart = r.epochEnd = r.contextStart = r.contextEnd = -1;
  r.stepIsInteger = r.epochIsInteger = r.smallExponents = r.ascii = true;
  r.nameStart = start + METRIC_KEY.length;
  r.nameEnd = stringEnd(buf, r.nameStart, end, r);
  if (r.nameEnd <= r.nameStart || !hasAt(buf, r.nameEnd, end, VALUE_KEY)) return false;
  r.valueStart = r.nameEnd + VALUE_KEY.length;
  let i = scanNumber(buf, r.valueStart, end);
  if (i < 0) return false;
  r.valueEnd = i;
  if (scanned.exponentDigits > 2) r.smallExponents = false;
  if (buf[i] === 0x2c && i < end) {
    const step = hasAt(buf, i, end, STEP_KEY);
    if (!step && !hasAt(buf, i, end, EPOCH_KEY)) return false;
    const from = i + (step ? STEP_KEY.length : EPOCH_KEY.length);
    i = scanNumber(buf, from, end);
    if (i < 0) return false;
    if (scanned.exponentDigits > 2) r.smallExponents = false;
    if (step) {
      r.stepStart = from;
      r.stepEnd = i;
      r.stepIsInteger = scanned.integer;
    } else {
      r.epochStart = from;
      r.epochEnd = i;
      r.epochIsInteger = scanned.integer;
    }
  }
  return buf[i] === 0x7d && i < end && skipSpaces(buf, i + 1, end) === end;
}

/** Finds the fields key by key, in any order and spacing. */
export function scanAnyLayout(buf: Buffer, start: number, end: number, r: MetricLineRanges): boolean {
  let seen = 0;
  let i = start + 1;
  r.stepStart = r.stepEnd = r.epochStart = r.epochEnd = r.contextStart = r.contextEnd = -1;
  r.stepIsInteger = r.epochIsInteger = r.smallExponents = r.ascii = true;
  for (;;) {
    i = skipSpaces(buf, i, end);
    if (buf[i] !== QUOTE) return false;
    const keyStart = i + 1;
    const ascii: boolean = r.ascii;
    const keyEnd = stringEnd(buf, keyStart, end, r);
    if (keyEnd < 0) return false;
    const key = keyOf(buf, keyStart, keyEnd - keyStart);
    if (key >= 0 && seen & (1 << key)) return false;
    i = skipSpaces(buf, keyEnd + 1, end);
    if (buf[i] !== 0x3a) return false;
    i = skipSpaces(buf, i + 1, end);
    if (key < 0) {
      // Another key: its value is skipped, unless the full reader uses it (a timestamp). Its text says nothing of
      // whether the name and context are ASCII.
      r.ascii = ascii;
      if (keyEnd - keyStart === TIMESTAMP.length && hasAt(buf, keyStart, keyEnd, TIMESTAMP)) return false;
      i = otherValueEnd(buf, i, end, r);
      if (i < 0) return false;
    } else {
      seen |= 1 << key;
      i = readField(buf, i, end, key, r);
      if (i < 0) return false;
    }
    i = skipSpaces(buf, i, end);
    if (buf[i] === 0x2c) {
      i++;
      continue;
    }
    return buf[i] === 0x7d && skipSpaces(buf, i + 1, end) === end && (seen & 3) === 3 && r.nameEnd > r.nameStart;
  }
}

/** Reads the value of key `key` (see keyOf) at `from` into `r`; where the value ends, or -1 when it is not of its kind. */
function readField(buf: Buffer, from: number, end: number, key: number, r: MetricLineRanges): number {
  let i = from;
  let fieldEnd: number;
  if (key === 0 || key === 4) {
    if (buf[i] !== QUOTE) return -1;
    i++;
    fieldEnd = stringEnd(buf, i, end, r);
    if (fieldEnd < 0) return -1;
  } else {
    fieldEnd = scanNumber(buf, i, end);
    if (fieldEnd < 0) return -1;
    if (scanned.exponentDigits > 2) r.smallExponents = false;
    if (key === 2) r.stepIsInteger = scanned.integer;
    else if (key === 3) r.epochIsInteger = scanned.integer;
  }
  if (key === 0) {
    r.nameStart = i;
    r.nameEnd = fieldEnd;
  } else if (key === 1) {
    r.valueStart = i;
    r.valueEnd = fieldEnd;
  } else if (key === 2) {
    r.stepStart = i;
    r.stepEnd = fieldEnd;
  } else if (key === 3) {
    r.epochStart = i;
    r.epochEnd = fieldEnd;
  } else {
    r.contextStart = i;
    r.contextEnd = fieldEnd;
  }
  return key === 0 || key === 4 ? fieldEnd + 1 : fieldEnd;
}

/** A name that is only spaces is no name. */
export function isBlankRange(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== SPACE && buf[i] !== TAB) return false;
  return true;
}

// Names repeat on every line: the decoded string is kept, keyed by the bytes' length and a hash, checked in full.
const names = new Map<number, string>();

/** The string of a name's bytes, usually without decoding them again. */
export function decodeName(buf: Buffer, start: number, end: number): string {
  let hash = end - start;
  let high = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    hash = (Math.imul(hash, 31) + b) | 0;
    high |= b;
  }
  // Only ASCII names are kept: for them a byte is a character, so comparing them is exact.
  if (high >= 0x80) return buf.toString('utf8', start, end);
  const known = names.get(hash);
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let i = 0; i < known.length && same; i++) same = known.charCodeAt(i) === buf[start + i];
    if (same) return known;
  }
  const name = buf.toString('latin1', start, end);
  if (names.size >= 1024) names.clear();
  names.set(hash, name);
  return name;
}

const ranges = newMetricLineRanges();

/** Reads `buf[start, end)` (which starts with `{`) into `into` when the line has the common shape. */
export function readMetricBytes(buf: Buffer, start: number, end: number, into: MetricFields): boolean {
  if (!scanMetricLine(buf, start, end, ranges)) return false;
  const r = ranges;
  into.name = decodeName(buf, r.nameStart, r.nameEnd);
  into.value = numberValue(buf, r.valueStart, r.valueEnd);
  into.step = r.stepStart < 0 ? undefined : numberValue(buf, r.stepStart, r.stepEnd);
  into.epoch = r.epochStart < 0 ? undefined : numberValue(buf, r.epochStart, r.epochEnd);
  into.context = r.contextEnd > r.contextStart ? buf.toString('utf8', r.contextStart, r.contextEnd) : undefined;
  return true;
}
