// Looks at a line's bytes, before anything is decoded: could a format read it, and where does a glued object start.

import type { LineContext } from './formats/line.js';
import { timestampValue } from './prefix.js';
import type { AssembledLine } from './terminal/assembler.js';

const SPACE = 0x20;
const TAB = 0x09;

export const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/** `Epoch` or `epoch` at `at`. */
export function isEpochWord(buf: Buffer, at: number): boolean {
  return (buf[at] === 0x45 || buf[at] === 0x65) && buf[at + 1] === 0x70 && buf[at + 2] === 0x6f && buf[at + 3] === 0x63 && buf[at + 4] === 0x68;
}

/** Not a character that String.prototype.trim could remove (ASCII whitespace, or a non-ASCII one perhaps). */
const isPlainAscii = (b: number | undefined) => b !== undefined && b > 0x20 && b < 0x80;

/** The first character of a Keras line after trimming: a digit, or `E` of `Epoch`. */
export function mayStartKeras(first: number): boolean {
  return (first >= 0x30 && first <= 0x39) || first === 0x45 || !isPlainAscii(first);
}

/** The line's last non-space byte is `]`, as a tqdm bar's. */
export function endsWithBracket(buf: Buffer, start: number, end: number): boolean {
  let i = end - 1;
  while (i > start && (buf[i] === SPACE || buf[i] === TAB)) i--;
  return buf[i] === 0x5d;
}

/**
 * A line starting with `[` and digits that only the text reader can take: the digits are not closed by `]` (as
 * XGBoost's `[3]\t...` are), its last byte is a plain character other than `]` (trimmed, its text does not end as a
 * bar's does), and it does not start as Lightning's lines do (`Epoch`, a name). detectron2's
 * `[12/04 10:00:00 d2.utils.events]:  eta: ...` is one: it need not be decoded for the other readers.
 */
export function onlyTextReads(buf: Buffer, at: number, end: number): boolean {
  if (buf[at] !== 0x5b || !isDigit(buf[at + 1])) return false;
  let i = at + 2;
  while (i < end && isDigit(buf[i])) i++;
  if (i < end && buf[i] === 0x5d) return false;
  const last = buf[end - 1];
  return end - at > 2 && isPlainAscii(last) && last !== 0x5d;
}

/** A row of a table may start here: a digit (fastai, spaCy, YOLO's `1/100`), dashes, or YOLO's `Class` and `all`. */
export function mayBeTableRow(buf: Buffer, at: number): boolean {
  const first = buf[at];
  return isDigit(first) || first === 0x2d || first === 0x43 || (first === 0x61 && buf[at + 1] === 0x6c && buf[at + 2] === 0x6c);
}

/** `{"metric"` as bytes. */
const METRIC_OBJECT = Buffer.from('{"metric"');

/**
 * Where a JSON metric object starts that ends the line after other text (`12/50 [===>...] - loss: 0.7{"metric": ...}`,
 * a bar redrawn without a newline before a print), or -1. Only lines ending in `}` are searched, within the line.
 */
export function gluedMetricObject(buf: Buffer, start: number, end: number): number {
  let last = end - 1;
  while (last > start && (buf[last] === SPACE || buf[last] === TAB)) last--;
  if (buf[last] !== 0x7d) return -1;
  const key = METRIC_OBJECT;
  for (let i = last - key.length; i > start; i--) {
    if (buf[i] !== 0x7b) continue;
    let k = 1;
    while (k < key.length && buf[i + k] === key[k]) k++;
    if (k === key.length) return i;
  }
  return -1;
}

/** The line being read, as formats see it. Its timestamp is decoded only when a point needs it. */
export class CurrentLine implements LineContext {
  line = 0;
  rank: number | undefined;
  partial = false;
  private info: AssembledLine | undefined;
  private buf: Buffer | undefined;
  private time: number | undefined;
  private timeRead = false;

  set(buf: Buffer, info: AssembledLine): void {
    this.buf = buf;
    this.info = info;
    this.line = info.line;
    this.rank = info.rank;
    this.partial = info.partial;
    this.timeRead = false;
  }

  timestamp(): number | undefined {
    if (!this.timeRead) {
      const info = this.info as AssembledLine;
      this.time = info.timestamp ?? (info.tsEnd > 0 ? timestampValue((this.buf as Buffer).toString('latin1', info.tsStart, info.tsEnd)) : undefined);
      this.timeRead = true;
    }
    return this.time;
  }
}
