const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// A Map, not an object: `__proto__` and other inherited names must not read as numbers.
const special = new Map<string, number>([
  ['nan', Number.NaN],
  ['-nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['infinity', Number.POSITIVE_INFINITY],
  ['+infinity', Number.POSITIVE_INFINITY],
  ['-infinity', Number.NEGATIVE_INFINITY],
]);

/** True when `text` is digits with at most one `.` and nothing else: the common case, checked without a regex. */
function isPlainDecimal(text: string): boolean {
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && ++dots === 1) continue;
    else return false;
  }
  return digits > 0;
}

/**
 * A metric value as logs print it: `0.4097`, `1.0000e-04`, `1654`, `nan`, `inf`, `-inf`, `NaN`, `Infinity`.
 * Undefined for anything else, so `0s`, `12ms/step` or `ok` are never taken for numbers.
 */
export function parseMetricNumber(text: string): number | undefined {
  if (isPlainDecimal(text) || decimal.test(text)) return Number(text);
  if (text.length > 9) return undefined;
  return special.get(text.toLowerCase());
}

// Powers of ten that doubles hold exactly.
const exactPowers = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT = 2 ** 53;
const SPLITTER = 2 ** 27 + 1;
/** Far wider than the error of `nearestDouble`'s sum, far narrower than an ulp. */
const SLACK = 2 ** -98;

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;

/** `a × b` as an exact sum of two doubles (Dekker's product), returned as the rounded product; the error goes to `split.low`. */
const split = { low: 0 };
function exactProduct(a: number, b: number): number {
  const product = a * b;
  let c = SPLITTER * a;
  const aHigh = c - (c - a);
  const aLow = a - aHigh;
  c = SPLITTER * b;
  const bHigh = c - (c - b);
  const bLow = b - bHigh;
  split.low = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  return product;
}

/**
 * The double nearest to `(high × 10^lowDigits + low) × 10^power`, for high < 10^15, lowDigits ≤ 4 and |power| ≤ 22,
 * or NaN when the decimal lies too near the midpoint between two doubles to tell without exact arithmetic.
 * Below 2^53 the integer is exact and one multiplication or division by an exact power of ten rounds correctly
 * (Clinger's fast path); above, the integer and the product or quotient are carried as sums of two doubles.
 */
export function nearestDouble(high: number, low: number, lowDigits: number, power: number): number {
  const scale = exactPowers[lowDigits] as number;
  const head = exactProduct(high, scale);
  let integer = head + low;
  // The integer exactly, as integer + rest.
  let rest = split.low + (low - (integer - head));
  const sum = integer + rest;
  rest -= sum - integer;
  integer = sum;
  const ten = exactPowers[power < 0 ? -power : power] as number;
  if (rest === 0 && integer < MAX_EXACT) return power < 0 ? integer / ten : integer * ten;
  let first: number;
  let second: number;
  if (power < 0) {
    first = integer / ten;
    const near = exactProduct(first, ten);
    second = (integer - near - split.low + rest) / ten;
  } else {
    first = exactProduct(integer, ten);
    second = split.low + rest * ten;
  }
  // first + second is within far less than SLACK of the exact value: if both ends of that band round alike, so does it.
  const slack = Math.abs(first) * SLACK;
  const up = first + (second + slack);
  return up === first + (second - slack) ? up : Number.NaN;
}

/** `parseMetricNumber` of the text `buf[start, end)`, read from its bytes without making a string (but for rare numbers). */
export function metricNumberAt(buf: Buffer, start: number, end: number): number | undefined {
  if (end <= start) return undefined;
  let i = start;
  const sign = buf[i];
  if (sign === 0x2d || sign === 0x2b) i++;
  // Significant digits: the first 15 in `high`, up to 4 more in `low`; `scale` counts the digits after the point.
  let high = 0;
  let low = 0;
  let lowDigits = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  let point = false;
  for (; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 0x30 && b <= 0x39) {
      digits++;
      if (point) scale++;
      if (significant < 15) {
        high = high * 10 + (b - 0x30);
        if (high > 0) significant++;
      } else {
        significant++;
        if (lowDigits < 4) {
          low = low * 10 + (b - 0x30);
          lowDigits++;
        }
      }
    } else if (b === 0x2e && !point) point = true;
    else break;
  }
  if (digits === 0) return specialAt(buf, start, end);
  let exponent = 0;
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    const exponentSign = buf[i] === 0x2d ? -1 : 1;
    if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) i++;
    const from = i;
    for (; i < end && isDigit(buf[i]); i++) if (exponent < 100_000) exponent = exponent * 10 + ((buf[i] as number) - 0x30);
    if (i === from) return undefined;
    exponent *= exponentSign;
  }
  if (i !== end) return undefined;
  const power = exponent - scale;
  let value = Number.NaN;
  if (power >= -22 && power <= 22) {
    // Up to 15 digits the integer is exact and one operation by an exact power of ten rounds correctly.
    if (lowDigits === 0) value = power < 0 ? high / (exactPowers[-power] as number) : high * (exactPowers[power] as number);
    else if (significant <= 19) value = nearestDouble(high, low, lowDigits, power);
  }
  if (Number.isNaN(value)) return Number(buf.toString('latin1', start, end));
  return sign === 0x2d ? -value : value;
}

/** `nan`, `inf`, `-Infinity` and the like, in any case, as bytes; undefined for anything else. */
function specialAt(buf: Buffer, start: number, end: number): number | undefined {
  if (end - start > 9 || end - start < 3) return undefined;
  let text = '';
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    // Letters and signs only: any other byte (non-ASCII included) makes no special value.
    if (b >= 0x41 && b <= 0x5a) text += String.fromCharCode(b + 0x20);
    else if ((b >= 0x61 && b <= 0x7a) || b === 0x2b || b === 0x2d) text += String.fromCharCode(b);
    else return undefined;
  }
  return special.get(text);
}

/** Metric names as printed by the formats that name metrics freely: a letter or `_` first, no spaces. */
export const metricNamePattern = /^[A-Za-z_][\w./@-]*$/;

/** Per byte: 1 when it may be in a metric name, 3 when it may also start one (a letter or `_`). */
const nameBytes = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const c = String.fromCharCode(b);
  if (/[A-Za-z_]/.test(c)) nameBytes[b] = 3;
  else if (/[\w./@-]/.test(c)) nameBytes[b] = 1;
}

/** `metricNamePattern` tested on the bytes `buf[start, end)`. */
export function isMetricNameAt(buf: Buffer, start: number, end: number): boolean {
  if (end <= start || nameBytes[buf[start] as number] !== 3) return false;
  for (let i = start + 1; i < end; i++) if (nameBytes[buf[i] as number] === 0) return false;
  return true;
}
