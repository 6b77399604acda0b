// What launchers and log shippers put in front of a job's own line: a rank tag (torchrun --tee, `[rankN]:`,
// Open MPI --tag-output) and an ISO timestamp (kubectl logs --timestamps, `ts`). Read from bytes, before decoding.

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;

/** What `readPrefixes` found; reused from line to line. `tsEnd` is 0 when the line has no timestamp. */
export interface LinePrefixes {
  rank: number | undefined;
  tsStart: number;
  tsEnd: number;
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

function matchWord(buf: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Reads digits at `at`; returns [value, end] or undefined when there are none (or too many to be a rank). */
function readInt(buf: Uint8Array, at: number, end: number): [number, number] | undefined {
  let i = at;
  let value = 0;
  while (i < end && isDigit(buf[i]) && i - at < 7) {
    value = value * 10 + ((buf[i] as number) - 0x30);
    i++;
  }
  return i === at ? undefined : [value, i];
}

/** `[default0]:`, `[rank1]:`, `[1,0]<stdout>:`: returns [rank, end of prefix], or undefined. */
function readRank(buf: Uint8Array, start: number, end: number): [number, number] | undefined {
  if (buf[start] !== OPEN) return undefined;
  let at = start + 1;
  const word = matchWord(buf, at, 'default') ? 7 : matchWord(buf, at, 'rank') ? 4 : 0;
  // The bytes past `end` are not the line's (a reused buffer may hold an older line there).
  if (word > 0) {
    const n = readInt(buf, at + word, end);
    if (n === undefined || n[1] + 2 > end || buf[n[1]] !== CLOSE || buf[n[1] + 1] !== COLON) return undefined;
    return [n[0], n[1] + 2];
  }
  // Open MPI: [job,rank]<stdout>:
  const job = readInt(buf, at, end);
  if (job === undefined || job[1] >= end || buf[job[1]] !== 0x2c) return undefined;
  const rank = readInt(buf, job[1] + 1, end);
  if (rank === undefined || rank[1] + 2 > end || buf[rank[1]] !== CLOSE || buf[rank[1] + 1] !== 0x3c) return undefined;
  at = rank[1] + 2;
  while (at < end && at - rank[1] < 12 && buf[at] !== 0x3e) at++;
  if (at + 2 > end || buf[at] !== 0x3e || buf[at + 1] !== COLON) return undefined;
  return [rank[0], at + 2];
}

const digitOffsets = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** The line's byte at `i`; undefined past its end, where a reused buffer may still hold an older line. */
const byteAt = (buf: Uint8Array, i: number, end: number) => (i < end ? buf[i] : undefined);

/** `2024-05-01T12:00:00.123Z ` or `2024-05-01 12:00:00,123 `: returns the end of the timestamp, or 0. */
function readTimestamp(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 20 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 13] !== COLON || buf[start + 16] !== COLON) return 0;
  const sep = buf[start + 10];
  if (sep !== 0x54 && sep !== SPACE) return 0;
  for (let k = 0; k < digitOffsets.length; k++) if (!isDigit(buf[start + (digitOffsets[k] as number)])) return 0;
  let at = start + 19;
  if ((byteAt(buf, at, end) === 0x2e || byteAt(buf, at, end) === 0x2c) && isDigit(byteAt(buf, at + 1, end))) {
    at++;
    while (at < end && isDigit(buf[at])) at++;
  }
  if (byteAt(buf, at, end) === 0x5a) at++;
  else if ((byteAt(buf, at, end) === 0x2b || byteAt(buf, at, end) === 0x2d) && isDigit(byteAt(buf, at + 1, end)) && isDigit(byteAt(buf, at + 2, end))) {
    at += 3;
    if (byteAt(buf, at, end) === COLON) at++;
    if (isDigit(byteAt(buf, at, end)) && isDigit(byteAt(buf, at + 1, end))) at += 2;
  }
  return byteAt(buf, at, end) === SPACE || byteAt(buf, at, end) === TAB ? at : 0;
}

/** Strips a leading timestamp and rank tag (in either order) from `buf[start, end)`; returns where the job's text starts. */
export function readPrefixes(buf: Uint8Array, start: number, end: number, out: LinePrefixes): number {
  out.rank = undefined;
  out.tsEnd = 0;
  let at = start;
  for (let round = 0; round < 2; round++) {
    const first = buf[at];
    if (first === OPEN && out.rank === undefined) {
      const rank = readRank(buf, at, end);
      if (rank === undefined) break;
      out.rank = rank[0];
      at = rank[1];
    } else if (isDigit(first) && out.tsEnd === 0) {
      const tsEnd = readTimestamp(buf, at, end);
      if (tsEnd === 0) break;
      out.tsStart = at;
      out.tsEnd = tsEnd;
      at = tsEnd + 1;
    } else break;
  }
  return at;
}

/** The time a timestamp prefix names, in ms since the epoch; local time when it has no zone. */
export function timestampValue(text: string): number | undefined {
  let iso = text.replace(' ', 'T').replace(',', '.');
  // Date.parse wants at most milliseconds.
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
