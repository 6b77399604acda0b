// tqdm bars read from their bytes: the redraws of one bar differ only in counts and values, so a redraw is read
// without decoding the line, its description's family and epoch are kept from the redraw before, and its postfix is
// read only if its values are emitted. The reading is exactly readTqdmBar's: bars of another shape than
// `desc: N%|bar| n/total [inside]` with ASCII outside the bar, and lines that only might be bars, go to it.
import { isMetricNameAt, metricNumberAt } from '../number.js';
import type { BarReading } from './bars.js';
import { decodeName } from './json-bytes.js';
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

/** readPostfix on ASCII bytes: each `k=v` (or `k: v`) item that holds a number, as name and value into `into`. */
export function readPostfixBytes(buf: Buffer, start: number, end: number, into: Array<string | number>): void {
  let from = start;
  while (from <= end) {
    let to = from;
    while (to + 1 < end && !(buf[to] === 0x2c && buf[to + 1] === SPACE)) to++;
    if (to + 1 >= end) to = end;
    readItem(buf, from, to, into);
    from = to + 2;
  }
}

/** One postfix item, as readPostfix reads it. */
function readItem(buf: Buffer, start: number, end: number, into: Array<string | number>): void {
  let sep = start;
  while (sep < end && buf[sep] !== 0x3d) sep++;
  let valueStart = sep + 1;
  if (sep === end) {
    sep = start;
    while (sep + 1 < end && !(buf[sep] === 0x3a && buf[sep + 1] === SPACE)) sep++;
    if (sep + 1 >= end) return;
    valueStart = sep + 2;
  }
  if (sep === start) return;
  let nameStart = start;
  let nameEnd = sep;
  while (nameStart < nameEnd && isAsciiSpace(buf[nameStart])) nameStart++;
  while (nameEnd > nameStart && isAsciiSpace(buf[nameEnd - 1])) nameEnd--;
  let valueEnd = end;
  while (valueStart < valueEnd && isAsciiSpace(buf[valueStart])) valueStart++;
  while (valueEnd > valueStart && isAsciiSpace(buf[valueEnd - 1])) valueEnd--;
  if (!isMetricNameAt(buf, nameStart, nameEnd) || isVNum(buf, nameStart, nameEnd)) return;
  const value = metricNumberAt(buf, valueStart, valueEnd);
  if (value !== undefined) into.push(decodeName(buf, nameStart, nameEnd), value);
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
    private readonly items: Array<string | number>,
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

  /**
   * readTqdmBar on the text of `buf[start, end)` (leading spaces and tabs skipped): the bar, NOT_BAR when
   * readTqdmBar would find none, UNSURE when only the text can tell. Read from the end: inside, count, bar, head.
   */
  read(buf: Buffer, start: number, end: number): BarReading | null | undefined {
    let stop = end;
    while (stop > start && isAsciiSpace(buf[stop - 1])) stop--;
    if (stop === start) return UNSURE;
    const last = buf[stop - 1] as number;
    if (last !== CLOSE) return last >= 0x80 ? UNSURE : NOT_BAR;
    // The inside `[...]`: after the last `[`, with no `]` but the final one.
    let open = stop - 2;
    let plain = true;
    for (; open >= start; open--) {
      const b = buf[open] as number;
      if (b === OPEN) break;
      if (b === CLOSE) return NOT_BAR;
      if (b === PIPE || b >= 0x80) plain = false;
    }
    if (open < start) return NOT_BAR;
    if (!plain) return otherShape(buf, start, stop, open);
    // `n/total`: one run of ASCII without spaces or brackets; its first `/` splits it.
    let countEnd = open;
    while (countEnd > start && isAsciiSpace(buf[countEnd - 1])) countEnd--;
    let countStart = countEnd;
    let slash = -1;
    for (; countStart > start; countStart--) {
      const b = buf[countStart - 1] as number;
      if (b === PIPE || isAsciiSpace(b)) break;
      if (b === OPEN || b === CLOSE || b >= 0x80) return otherShape(buf, start, stop, open);
      if (b === 0x2f) slash = countStart - 1;
    }
    let second = countStart;
    while (second > start && isAsciiSpace(buf[second - 1])) second--;
    second--;
    if (second <= start || buf[second] !== PIPE || slash <= countStart || slash + 1 >= countEnd) return otherShape(buf, start, stop, open);
    // The bar, between two pipes, may hold anything but a pipe; `N%` before it.
    let first = second - 1;
    while (first >= start && buf[first] !== PIPE) first--;
    if (first < start + 2 || buf[first - 1] !== 0x25 || !isDigit(buf[first - 2])) return otherShape(buf, start, stop, open);
    let digits = first - 2;
    while (digits > start && isDigit(buf[digits - 1])) digits--;
    // The description ends at the colon before the percentage, or there is none; ASCII, without pipes.
    let descriptionEnd = start;
    if (digits > start) {
      let colon = digits;
      while (colon > start && isAsciiSpace(buf[colon - 1])) colon--;
      if (colon === start || buf[colon - 1] !== 0x3a || isAsciiSpace(buf[start])) return UNSURE;
      descriptionEnd = colon - 1;
      for (let i = start; i < descriptionEnd; i++) if (buf[i] === PIPE || (buf[i] as number) >= 0x80) return UNSURE;
    }
    const description = this.describe(buf, start, descriptionEnd);
    const items: Array<string | number> = [];
    readPostfixBytes(buf, open + 1, stop - 1, items);
    return new TqdmRedraw(description.family, description.epoch, countValue(buf, countStart, slash), countValue(buf, slash + 1, countEnd), items);
  }

  /** What the description `buf[start, end)` (ASCII) says. */
  private describe(buf: Buffer, start: number, end: number): { family: string; epoch: number | undefined } {
    const text = start === end ? '' : decodeName(buf, start, end);
    let description = this.descriptions.get(text);
    if (description === undefined) {
      description = barDescription(text);
      if (this.descriptions.size >= 256) this.descriptions.clear();
      this.descriptions.set(text, description);
    }
    return description;
  }
}

/** A line ending in `[...]` of another shape: NOT_BAR when neither of readTqdmBar's patterns can match it. */
function otherShape(buf: Buffer, start: number, stop: number, open: number): undefined | null {
  // With a total, the text holds `%|`.
  for (let i = start; i + 1 < stop; i++) if (buf[i] === 0x25 && buf[i + 1] === PIPE) return UNSURE;
  // Without, the inside (after some `[` past the last `]`) holds a time.
  let lastClose = open - 1;
  while (lastClose >= start && buf[lastClose] !== CLOSE) lastClose--;
  return hasClockTime(buf, lastClose + 1, stop - 1) ? UNSURE : NOT_BAR;
}
