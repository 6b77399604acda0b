// tqdm bars read from their bytes: the redraws of one bar differ only in counts and values, so a redraw is read
// without decoding the line, its description's family and epoch are kept from the redraw before, and its postfix is
// read only if its values are emitted. The reading is exactly readTqdmBar's: bars of another shape than
// `desc: N%|bar| n/total [inside]` with ASCII outside the bar, and lines that only might be bars, go to it.
import { isMetricNameAt, metricNumberAt } from '../number.js';
import type { BarReading } from './bars.js';
import { NameSlots } from './names.js';
import { barDescription } from './tqdm.js';

/** What `TqdmBytesReader.read` found. */
export const NOT_BAR = null;
/** Only the text reader can tell. */
export const UNSURE = undefined;

const SPACE = 0x20;
const PIPE = 0x7c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;
/** The ASCII characters String.prototype.trim removes (and regexes' \s matches). */
const isAsciiSpace = (b: number | undefined) => b === SPACE || (b !== undefined && b >= 0x09 && b <= 0x0d);

/** The value of the text `buf[start, end)` as Number() reads it. */
function countValue(buf: Buffer, start: number, end: number): number {
  if (end - start <= 15) {
    let value = 0;
    let i = start;
    for (; i < end && isDigit(buf[i]); i++) value = value * 10 + ((buf[i] as number) - 0x30);
    if (i === end) return value;
  }
  return Number(buf.toString('latin1', start, end));
}

/** True when `buf[start, end)` holds two digits, a colon and two digits (a time, as tqdm prints elapsed time). */
function hasClockTime(buf: Buffer, start: number, end: number): boolean {
  for (let i = start + 2; i + 2 < end; i++) {
    if (buf[i] === 0x3a && isDigit(buf[i - 1]) && isDigit(buf[i - 2]) && isDigit(buf[i + 1]) && isDigit(buf[i + 2])) return true;
  }
  return false;
}

/** One postfix item `[start, end)` as readPostfix reads it, given its first `=` and first `: ` (-1 when none). */
function readItem(buf: Buffer, start: number, end: number, eq: number, colon: number, names: NameSlots, into: Array<string | number>): void {
  const sep = eq >= 0 ? eq : colon;
  if (sep <= start) return;
  let nameStart = start;
  let nameEnd = sep;
  while (nameStart < nameEnd && isAsciiSpace(buf[nameStart])) nameStart++;
  while (nameEnd > nameStart && isAsciiSpace(buf[nameEnd - 1])) nameEnd--;
  if (!isMetricNameAt(buf, nameStart, nameEnd) || isVNum(buf, nameStart, nameEnd)) return;
  let valueStart = eq >= 0 ? eq + 1 : colon + 2;
  let valueEnd = end;
  while (valueStart < valueEnd && isAsciiSpace(buf[valueStart])) valueStart++;
  while (valueEnd > valueStart && isAsciiSpace(buf[valueEnd - 1])) valueEnd--;
  const value = metricNumberAt(buf, valueStart, valueEnd);
  if (value !== undefined) into.push(names.name(buf, nameStart, nameEnd, into.length >> 1), value);
}

/** Lightning's logger version, `v_num`, is not a metric. */
function isVNum(buf: Buffer, start: number, end: number): boolean {
  return end - start === 5 && buf[start] === 0x76 && buf[start + 1] === 0x5f && buf[start + 2] === 0x6e && buf[start + 3] === 0x75 && buf[start + 4] === 0x6d;
}

/** A redraw read from bytes; its values, kept as names and numbers, become pairs only if they are emitted. */
class TqdmRedraw implements BarReading {
  readonly format = 'tqdm';
  readonly hasValues: boolean;

  constructor(
    readonly family: string,
    readonly epoch: number | undefined,
    readonly done: number,
    readonly total: number,
    readonly items: Array<string | number>,
  ) {
    this.hasValues = items.length > 0;
  }

  get values(): Array<[string, number]> {
    const values: Array<[string, number]> = [];
    for (let i = 0; i < this.items.length; i += 2) values.push([this.items[i] as string, this.items[i + 1] as number]);
    return values;
  }
}

/** Reads tqdm redraws from bytes, keeping what each description says. */
export class TqdmBytesReader {
  private readonly descriptions = new Map<string, { family: string; epoch: number | undefined }>();
  /** Postfix names by their place, and the description in the last place. */
  private readonly names = new NameSlots();

  /**
   * readTqdmBar on the text of `buf[start, end)` (leading spaces and tabs skipped): the bar, NOT_BAR when
   * readTqdmBar would find none, UNSURE when only the text can tell. One pass: head, bar, count, inside.
   */
  read(buf: Buffer, start: number, end: number): BarReading | null | undefined {
    let stop = end;
    while (stop > start && isAsciiSpace(buf[stop - 1])) stop--;
    if (stop === start) return UNSURE;
    const last = buf[stop - 1] as number;
    if (last !== CLOSE) return last >= 0x80 ? UNSURE : NOT_BAR;
    // The head, up to the bar's first pipe: `desc: N%`, the description ASCII.
    let first = start;
    let high = false;
    for (; first < stop; first++) {
      const b = buf[first] as number;
      if (b === PIPE) break;
      if (b >= 0x80) high = true;
    }
    // The bar may hold anything but a pipe.
    let second = first + 1;
    while (second < stop && buf[second] !== PIPE) second++;
    if (second >= stop) return otherShape(buf, start, stop);
    // `n/total`: one run of ASCII without spaces or brackets, its first `/` splitting it; then `[`.
    let countStart = second + 1;
    while (countStart < stop && isAsciiSpace(buf[countStart])) countStart++;
    let countEnd = countStart;
    let slash = -1;
    for (; countEnd < stop; countEnd++) {
      const b = buf[countEnd] as number;
      if (b === OPEN || isAsciiSpace(b)) break;
      if (b === PIPE || b === CLOSE || b >= 0x80) return otherShape(buf, start, stop);
      if (b === 0x2f && slash < 0) slash = countEnd;
    }
    let open = countEnd;
    while (open < stop && isAsciiSpace(buf[open])) open++;
    if (buf[open] !== OPEN || slash <= countStart || slash + 1 >= countEnd) return otherShape(buf, start, stop);
    // The inside: ASCII without brackets or pipes (so that `[` is the last), split into items at `, `.
    const items: Array<string | number> = [];
    const insideEnd = stop - 1;
    let itemStart = open + 1;
    let eq = -1;
    let colon = -1;
    for (let i = itemStart; i < insideEnd; i++) {
      const b = buf[i] as number;
      if (b === 0x2c) {
        if (buf[i + 1] !== SPACE || i + 1 >= insideEnd) continue;
        readItem(buf, itemStart, i, eq, colon, this.names, items);
        itemStart = i + 2;
        eq = colon = -1;
        i++;
      } else if (b === 0x3d) {
        if (eq < 0) eq = i;
      } else if (b === 0x3a) {
        if (colon < 0 && buf[i + 1] === SPACE && i + 1 < insideEnd) colon = i;
      } else if (b === OPEN || b === CLOSE || b === PIPE || b >= 0x80) return otherShape(buf, start, stop);
    }
    readItem(buf, itemStart, insideEnd, eq, colon, this.names, items);
    if (first < start + 2 || buf[first - 1] !== 0x25 || !isDigit(buf[first - 2])) return otherShape(buf, start, stop);
    let digits = first - 2;
    while (digits > start && isDigit(buf[digits - 1])) digits--;
    // The description ends at the colon before the percentage, or there is none.
    let descriptionEnd = start;
    if (digits > start) {
      let colonAt = digits;
      while (colonAt > start && isAsciiSpace(buf[colonAt - 1])) colonAt--;
      if (high || colonAt === start || buf[colonAt - 1] !== 0x3a || isAsciiSpace(buf[start])) return UNSURE;
      descriptionEnd = colonAt - 1;
    }
    const description = this.describe(buf, start, descriptionEnd);
    return new TqdmRedraw(description.family, description.epoch, countValue(buf, countStart, slash), countValue(buf, slash + 1, countEnd), items);
  }

  /** What the description `buf[start, end)` (ASCII) says. */
  private describe(buf: Buffer, start: number, end: number): { family: string; epoch: number | undefined } {
    const text = start === end ? '' : this.names.name(buf, start, end, 63);
    let description = this.descriptions.get(text);
    if (description === undefined) {
      description = barDescription(text);
      if (this.descriptions.size >= 256) this.descriptions.clear();
      this.descriptions.set(text, description);
    }
    return description;
  }
}

/** A line ending in `]` of another shape: NOT_BAR when neither of readTqdmBar's patterns can match it. */
function otherShape(buf: Buffer, start: number, stop: number): undefined | null {
  // With a total, the text holds `%|`.
  for (let i = start; i + 1 < stop; i++) if (buf[i] === 0x25 && buf[i + 1] === PIPE) return UNSURE;
  // Without, the inside (after a `[` past the last `]` but the final one) holds a time.
  let lastClose = stop - 2;
  while (lastClose >= start && buf[lastClose] !== CLOSE) lastClose--;
  return hasClockTime(buf, lastClose + 1, stop - 1) ? UNSURE : NOT_BAR;
}
