// Hugging Face dict lines of the common shape, found in bytes: `{'loss': '0.6943', 'epoch': '0.25'}` with plain
// ASCII keys and JSON-ready numbers (quoted or not). Anything else (nan, escapes, text values, np.float64(...)) is
// left to hf.ts.

const MAX_ENTRIES = 64;

/** Where each entry's key and number are, and where the epoch and step entries are (-1 when absent). */
export interface DictRanges {
  count: number;
  /** Per entry: key start, key end, number start, number end. */
  spans: Int32Array;
  epoch: number;
  step: number;
}

/** Empty ranges to fill. */
export function dictRanges(): DictRanges {
  return { count: 0, spans: new Int32Array(MAX_ENTRIES * 4), epoch: -1, step: -1 };
}

const SPACE = 0x20;

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;

function skipSpaces(buf: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && buf[i] === SPACE) i++;
  return i;
}

/** The end of a JSON number at `from` with at most two exponent digits, or -1. Sets `integer`. */
const shape = { integer: true };
function scanJsonNumber(buf: Buffer, from: number, end: number): number {
  let i = from;
  shape.integer = true;
  if (buf[i] === 0x2d) i++;
  if (buf[i] === 0x30) i++;
  else if (isDigit(buf[i])) while (i < end && isDigit(buf[i])) i++;
  else return -1;
  if (buf[i] === 0x2e) {
    shape.integer = false;
    if (!isDigit(buf[++i])) return -1;
    while (i < end && isDigit(buf[i])) i++;
  }
  if (buf[i] === 0x65 || buf[i] === 0x45) {
    shape.integer = false;
    i++;
    if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
    const digits = i;
    while (i < end && isDigit(buf[i])) i++;
    if (i === digits || i - digits > 2) return -1;
  }
  return i;
}

function keyIs(buf: Buffer, start: number, end: number, key: string): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key.charCodeAt(i)) return false;
  return true;
}

/** Finds the entries of `buf[start, end)` (which starts with `{`) when the dict has the common shape. */
export function scanDictLine(buf: Buffer, start: number, end: number, r: DictRanges): boolean {
  r.count = 0;
  r.epoch = r.step = -1;
  let i = skipSpaces(buf, start + 1, end);
  for (;;) {
    const quote = buf[i];
    if ((quote !== 0x27 && quote !== 0x22) || r.count === MAX_ENTRIES) return false;
    const keyStart = i + 1;
    let blank = true;
    for (i = keyStart; i < end && buf[i] !== quote; i++) {
      const b = buf[i] as number;
      // Keys go into JSON as they are: no escapes, quotes, controls or non-ASCII.
      if (b === 0x5c || b === 0x22 || b < SPACE || b >= 0x7f) return false;
      if (b !== SPACE) blank = false;
    }
    if (i >= end || blank) return false;
    const keyEnd = i;
    i = skipSpaces(buf, i + 1, end);
    if (buf[i] !== 0x3a) return false;
    i = skipSpaces(buf, i + 1, end);
    const valueQuote = buf[i] === 0x27 || buf[i] === 0x22 ? buf[i] : undefined;
    if (valueQuote !== undefined) i = skipSpaces(buf, i + 1, end);
    const numberStart = i;
    i = scanJsonNumber(buf, i, end);
    if (i < 0) return false;
    const numberEnd = i;
    // -0 prints as 0 the long way: leave it to it.
    if (buf[numberStart] === 0x2d && buf[numberStart + 1] === 0x30 && Number(buf.toString('latin1', numberStart, numberEnd)) === 0) return false;
    i = skipSpaces(buf, i, end);
    if (valueQuote !== undefined) {
      if (buf[i] !== valueQuote) return false;
      i = skipSpaces(buf, i + 1, end);
    }
    const k = r.count * 4;
    r.spans[k] = keyStart;
    r.spans[k + 1] = keyEnd;
    r.spans[k + 2] = numberStart;
    r.spans[k + 3] = numberEnd;
    if (keyIs(buf, keyStart, keyEnd, 'epoch')) {
      if (r.epoch >= 0) return false;
      r.epoch = r.count;
    } else if (keyIs(buf, keyStart, keyEnd, 'step')) {
      if (r.step >= 0 || !shape.integer || numberEnd - numberStart > 15) return false;
      r.step = r.count;
    } else if (keyIs(buf, keyStart, keyEnd, 'metric')) {
      // A FloydHub metric object printed as a dict: hf.ts hands it to json.ts.
      return false;
    }
    r.count++;
    if (buf[i] === 0x2c) {
      i = skipSpaces(buf, i + 1, end);
      continue;
    }
    return buf[i] === 0x7d && skipSpaces(buf, i + 1, end) === end;
  }
}
