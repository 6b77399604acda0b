// The name/value pairs of a tokenized line: `name: value`, `name = value`, `name=value`, `name value`, and names of
// several words (`Average loss: 0.9069`, `lm loss: 1.2E+00`, `train loss 2.3456`). The line is read as items
// between separators (`|`, `,`, `;`, tabs, ` - `, wide gaps); an item that reads as a sentence gives nothing.
import { BRACE, CLOSE, COLON, DECO, DELIM, EQUALS, INTEGER, LEADING_ZERO, NUMBER, OPEN, OTHER, SLASH, type Tokens, USED, WORD } from './tokens.js';
import { CONTEXTS, LEVEL, METRIC, nameFlags, STOP } from './words.js';

export const COLON_PAIR = 1;
export const EQUALS_PAIR = 2;
export const SPACE_PAIR = 3;
/** A value with a unit and no name (`(45.67 ms | 12345 tok/s)`): named after its unit. */
export const UNNAMED = 4;

const MAX_PAIRS = 128;
const MAX_NAME_TOKENS = 10;
const MAX_NAME_BYTES = 80;

/** The pairs of a line, in parallel arrays reused from line to line. */
export class Pairs {
  count = 0;
  readonly kind = new Uint8Array(MAX_PAIRS);
  readonly nameStart = new Int32Array(MAX_PAIRS);
  readonly nameEnd = new Int32Array(MAX_PAIRS);
  readonly nameFlags = new Int32Array(MAX_PAIRS);
  /** The value's token. */
  readonly token = new Int32Array(MAX_PAIRS);
  readonly value = new Float64Array(MAX_PAIRS);
  /** The value is the percentage `100·a/b` of a count printed `a/b (p%)`. */
  readonly percent = new Uint8Array(MAX_PAIRS);
  /** The context words of the last label before the first pair: `Test set:`, `| valid |`, `validation loss at`. */
  labelFlags = 0;
  /** Items whose value is not a number (`amp=True`, `lr: N/A`): many of them make a configuration, not metrics. */
  notNumbers = 0;
  /** Some item read as a sentence. */
  prose = false;
  /** The `{` of a dict that the line ends with, after its labels and markers (`epoch 0: {'accuracy': 0.8}`), or -1. */
  brace = -1;
  /** Some name holds a metric word. */
  metricNames = false;
}

const LEFT_PAREN = 0x28;
const DOT = 0x2e;

/** Reads the pairs of a line whose markers have been read (and their tokens marked USED). */
export function readPairs(t: Tokens, p: Pairs): void {
  p.count = 0;
  p.labelFlags = 0;
  p.notNumbers = 0;
  p.prose = false;
  p.brace = -1;
  p.metricNames = false;
  const n = t.count;
  let segmentPairs = 0;
  let nameFirst = -1;
  let words = 0;
  let stops = 0;
  let sep = -1;
  let prose = false;
  for (let k = 0; k <= n; k++) {
    const kind = k < n ? (t.kind[k] as number) : DELIM;
    if (kind === OPEN && nameFirst >= 0) {
      // `elapsed time per iteration (ms): 123.4`: parentheses inside a name.
      const close = nameParens(t, k);
      if (close > 0) {
        k = close;
        continue;
      }
    }
    if (k === n || isBoundary(t, k, kind)) {
      if (words > 0 && sep < 0) {
        if (p.count > segmentPairs) prose = true;
        else label(t, nameFirst, p);
      } else if (sep >= 0) p.notNumbers++;
      if (prose) {
        p.count = segmentPairs;
        p.prose = true;
      }
      segmentPairs = p.count;
      prose = false;
      nameFirst = -1;
      words = 0;
      stops = 0;
      sep = -1;
      // A separator is done with; a token after a wide gap starts the next item.
      if (k === n || kind === DELIM || kind === DECO || kind === OPEN || kind === CLOSE || kind === USED) continue;
    }
    if (kind === WORD) {
      if (sep >= 0) {
        // `name: word`: not a number.
        p.notNumbers++;
        nameFirst = -1;
        words = 0;
        stops = 0;
        sep = -1;
        continue;
      }
      if (nameFirst < 0) nameFirst = k;
      words++;
      if ((t.flags[k] as number) & STOP) stops++;
    } else if (kind === COLON || kind === EQUALS) {
      if (nameFirst < 0 || sep >= 0) continue;
      const next = k + 1 < n ? t.kind[k + 1] : DELIM;
      if (next === NUMBER) sep = k;
      else if (next === BRACE && p.count === 0) {
        p.brace = k + 1;
        return;
      } else if (kind === COLON && !(next === WORD && endsItem(t, k + 2)) && next !== OTHER) {
        // `Test set:`, `INFO:`: a label.
        label(t, nameFirst, p);
        nameFirst = -1;
        words = 0;
        stops = 0;
      } else sep = k;
    } else if (kind === NUMBER) {
      let name = -1;
      let pairKind = UNNAMED;
      if (sep >= 0) {
        if (validName(t, nameFirst, sep)) {
          name = nameFirst;
          pairKind = t.kind[sep] === COLON ? COLON_PAIR : EQUALS_PAIR;
        } else prose = true;
      } else if (words === 1 && nameFirst === k - 1 && stops === 0) {
        name = nameFirst;
        pairKind = SPACE_PAIR;
      } else if (words > 1 && stops === 0 && words <= 4 && nameFirst + words === k && onlyNumberOfItem(t, k) && validName(t, nameFirst, k)) {
        // `train loss 2.3456`: words, then the item's only number.
        name = nameFirst;
        pairKind = SPACE_PAIR;
      } else if (words > 0) prose = true;
      const after = skipExtras(t, k);
      if (!prose && (name >= 0 || pairKind === UNNAMED)) addPair(t, p, pairKind, name, pairKind === UNNAMED ? -1 : pairKind === SPACE_PAIR ? k : sep, k, after);
      k = after - 1;
      nameFirst = -1;
      words = 0;
      stops = 0;
      sep = -1;
    } else if (kind === BRACE) {
      if (p.count === 0 && sep < 0) {
        p.brace = k;
        return;
      }
      prose = true;
    } else if (kind === OTHER) {
      if (sep >= 0 && sep === k - 1) {
        // `eta: 0:12:34`, `note: 'text'`: not a number.
        p.notNumbers++;
        nameFirst = -1;
        words = 0;
        sep = -1;
      } else if (!isDot(t, k)) prose = true;
    } else if (kind === SLASH) prose = true;
  }
}

/** Where one item ends and the next starts. */
function isBoundary(t: Tokens, k: number, kind: number): boolean {
  if (kind === DELIM || kind === DECO || kind === OPEN || kind === CLOSE) return true;
  if (kind === USED) return !(k > 0 && t.kind[k - 1] === NUMBER && t.unitStart[k - 1] === t.start[k]);
  if (t.gap[k] !== 2 || k === 0) return false;
  // A wide gap separates items, but not a name from its value (`Time  0.123`, `samples:     800`).
  const prev = t.kind[k - 1];
  return !(kind === NUMBER && (prev === WORD || prev === COLON || prev === EQUALS || prev === SLASH));
}

/** The `)` closing a `(` at `k` that belongs to a name (`(ms):`, `(TFLOP/s/GPU):`), or 0. */
function nameParens(t: Tokens, k: number): number {
  if (t.buf[t.start[k] as number] !== LEFT_PAREN) return 0;
  for (let j = k + 1; j < t.count && j <= k + 4; j++) {
    const kind = t.kind[j];
    if (kind === CLOSE) return t.kind[j + 1] === COLON || t.kind[j + 1] === EQUALS ? j : 0;
    if (kind !== WORD && kind !== NUMBER) return 0;
  }
  return 0;
}

/** A `.` on its own: `Avg. loss`, the end of a sentence. */
const isDot = (t: Tokens, k: number) => t.end[k] === (t.start[k] as number) + 1 && t.buf[t.start[k] as number] === DOT;

/** Token `k` ends an item: the line ends, or a separator follows. */
function endsItem(t: Tokens, k: number): boolean {
  return k >= t.count || isBoundary(t, k, t.kind[k] as number);
}

/** No other number follows `k` in its item (numbers in parentheses after it aside). */
function onlyNumberOfItem(t: Tokens, k: number): boolean {
  for (let j = skipExtras(t, k); j < t.count && !isBoundary(t, j, t.kind[j] as number); j++) if (t.kind[j] === NUMBER) return false;
  return true;
}

/** Tokens `[from, to)` can be a metric's name: words first, short, no file or module names (`train.py`, `d2.utils`). */
function validName(t: Tokens, from: number, to: number): boolean {
  if (from < 0 || to <= from || to - from > MAX_NAME_TOKENS || t.kind[from] !== WORD) return false;
  if ((t.end[to - 1] as number) - (t.start[from] as number) > MAX_NAME_BYTES) return false;
  if (to - from === 1 && (t.flags[from] as number) & LEVEL) return false;
  for (let k = from; k < to; k++) {
    const kind = t.kind[k];
    if (kind === WORD) {
      for (let i = t.start[k] as number; i < (t.end[k] as number); i++) if (t.buf[i] === DOT) return false;
    } else if (kind === NUMBER) {
      if (!((t.flags[k] as number) & INTEGER) || t.unitStart[k] !== -1) return false;
    } else if (!(kind === OTHER && isDot(t, k)) && kind !== OPEN && kind !== CLOSE) return false;
  }
  return true;
}

/** After the value at `k`: `( 0.456)`, `(6.9e+00)`, `(88%)` (an average or a share printed beside it). The token after them. */
function skipExtras(t: Tokens, k: number): number {
  const j = k + 1;
  if (j >= t.count || t.kind[j] !== OPEN || t.buf[t.start[j] as number] !== LEFT_PAREN) return j;
  for (let i = j + 1; i < t.count && i <= j + 8; i++) {
    const kind = t.kind[i];
    if (kind === CLOSE) return i + 1;
    if (kind !== NUMBER && kind !== DELIM && kind !== USED && kind !== WORD) return j;
  }
  return j;
}

/** The percentage inside the parentheses after a value (`316/360 (88%)`): true when there is one. */
function percentAfter(t: Tokens, k: number, after: number): boolean {
  for (let i = k + 1; i < after; i++) {
    if (t.kind[i] !== NUMBER) continue;
    const u = t.unitStart[i] as number;
    return u >= 0 && t.unitEnd[i] === u + 1 && t.buf[u] === 0x25;
  }
  return false;
}

function addPair(t: Tokens, p: Pairs, kind: number, nameFirst: number, nameEnd: number, k: number, after: number): void {
  if (p.count >= MAX_PAIRS) return;
  let value = t.value[k] as number;
  const total = t.total[k] as number;
  let percent = 0;
  if (!Number.isNaN(total)) {
    // A count of a total is a value only with its percentage: `Accuracy: 316/360 (88%)`.
    if (!percentAfter(t, k, after) || total === 0) return;
    value = (100 * value) / total;
    percent = 1;
  }
  // Zero-padded integers are identifiers and counters (`shard 00042`), not values.
  if ((t.flags[k] as number) & LEADING_ZERO) return;
  if (kind === UNNAMED && t.unitStart[k] === -1) return;
  const i = p.count++;
  p.kind[i] = kind;
  p.token[i] = k;
  p.value[i] = value;
  p.percent[i] = percent;
  if (nameFirst >= 0) {
    p.nameStart[i] = t.start[nameFirst] as number;
    p.nameEnd[i] = t.end[nameEnd - 1] as number;
    const flags = nameFlags(t.buf, p.nameStart[i] as number, p.nameEnd[i] as number);
    p.nameFlags[i] = flags;
    if (flags & METRIC) p.metricNames = true;
  } else {
    p.nameStart[i] = -1;
    p.nameEnd[i] = -1;
    p.nameFlags[i] = 0;
  }
}

/** A label (words before a `:` or an item of words alone): its first word may name the context. */
function label(t: Tokens, first: number, p: Pairs): void {
  if (first < 0 || p.count > 0) return;
  const flags = nameFlags(t.buf, t.start[first] as number, t.end[first] as number) & CONTEXTS;
  if (flags !== 0) p.labelFlags = flags;
}
