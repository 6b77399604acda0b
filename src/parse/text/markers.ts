// Where a line says which epoch or step it is: `epoch 3`, `Epoch 3/10`, `Epoch [1/3]`, `step 120`, `iter 19:`,
// `Iteration 4,`, `epoch 001 |`, `Epoch(train) [1][ 50/1000]`, `Epoch: [0][ 10/5005]`, `iteration 100/ 1000`; and
// its position in the epoch, `[640/60000 (1%)]` or `100 / 1000` after the epoch. The tokens they use are marked USED.
import { CLOSE, COLON, DECO, EQUALS, INTEGER, NUMBER, OPEN, SLASH, type Tokens, USED, WORD } from './tokens.js';
import { CONTEXTS, contextOf, EPOCH, STEP } from './words.js';

/** What a line's markers say. */
export interface LineMarkers {
  epoch: number | undefined;
  /** A step, iteration or update printed as such. */
  step: number | undefined;
  /** The position in the epoch (`[640/60000]`), the step when no step is printed. */
  position: number | undefined;
  /** The context a marker names: `Train Epoch`, `Epoch(val)`, `validate step`, `Test: [10/196]`. */
  context: string | undefined;
  /** The tokens the epoch, step and position were read from (-1 for none): a line of the same shape reads them there (shapes.ts). */
  epochAt: number;
  stepAt: number;
  positionAt: number;
}

const LEFT_BRACKET = 0x5b;
const LEFT_PAREN = 0x28;
const HASH = 0x23;

/** Clears `m`. */
export function noMarkers(m: LineMarkers): void {
  m.epoch = undefined;
  m.step = undefined;
  m.position = undefined;
  m.context = undefined;
  m.epochAt = -1;
  m.stepAt = -1;
  m.positionAt = -1;
}

/** Reads the markers of a tokenized line into `m`; false when it has none. */
export function readMarkers(t: Tokens, m: LineMarkers): boolean {
  noMarkers(m);
  let found = false;
  for (let k = 0; k < t.count; k++) {
    if (t.kind[k] === OPEN && m.position === undefined) {
      const after = readPosition(t, k, m, true);
      if (after > k) k = after - 1;
      continue;
    }
    if (t.kind[k] !== WORD) continue;
    const flags = t.flags[k] as number;
    if (flags & (EPOCH | STEP)) {
      const after = readMarker(t, k, flags, m);
      if (after > k) {
        found = true;
        k = after - 1;
      }
    } else if (flags & CONTEXTS && t.kind[k + 1] === COLON && t.kind[k + 2] === NUMBER && t.flags[k + 2] === INTEGER && isBracket(t, k + 3)) {
      // timm: `Train: 0 [  50/1251 (  4%)]`, the epoch after a context word.
      const after = readPosition(t, k + 3, m, true);
      if (after > k + 3 && m.epoch === undefined) {
        m.epoch = t.value[k + 2];
        m.epochAt = k + 2;
        m.context ??= contextOf(flags);
        found = true;
        use(t, k, after);
        k = after - 1;
      }
    }
  }
  return found;
}

const isBracket = (t: Tokens, k: number) => k < t.count && t.kind[k] === OPEN && t.buf[t.start[k] as number] === LEFT_BRACKET;

function use(t: Tokens, from: number, to: number): void {
  for (let k = from; k < to; k++) t.kind[k] = USED;
}

/** The marker whose word is token `k`; returns the token after it, or `k` when it is no marker. */
function readMarker(t: Tokens, k: number, flags: number, m: LineMarkers): number {
  let j = k + 1;
  let context: string | undefined;
  // mmengine: Epoch(train), Iter(val)
  if (t.kind[j] === OPEN && t.gap[j] === 0 && t.buf[t.start[j] as number] === LEFT_PAREN && t.kind[j + 1] === WORD && t.kind[j + 2] === CLOSE) {
    context = contextOf(t.flags[j + 1] as number);
    j += 3;
  }
  if (t.kind[j] === COLON || t.kind[j] === EQUALS) j++;
  if (t.kind[j] === DECO && t.buf[t.start[j] as number] === HASH && t.end[j] === (t.start[j] as number) + 1) j++;
  const bracket = isBracket(t, j);
  if (bracket) j++;
  if (t.kind[j] !== NUMBER || t.unitStart[j] !== -1) return k;
  const at = j;
  const value = t.value[j] as number;
  // A step counts whole steps; an epoch may be fractional (`epoch 1.5`).
  if (!Number.isFinite(value) || (!(flags & EPOCH) && !((t.flags[j] as number) & INTEGER))) return k;
  j++;
  if (Number.isNaN(t.total[j - 1]) && t.kind[j] === SLASH && t.kind[j + 1] === NUMBER) j += 2;
  if (bracket) {
    if (t.kind[j] !== CLOSE) return k;
    j++;
  }
  if (t.kind[j] === COLON) j++;
  // The word before: `Train Epoch`, `validate step`.
  let from = k;
  if (k > 0 && t.kind[k - 1] === WORD && (t.flags[k - 1] as number) & CONTEXTS && !((t.flags[k - 1] as number) & (EPOCH | STEP))) {
    context ??= contextOf(t.flags[k - 1] as number);
    from = k - 1;
  }
  if (flags & EPOCH) {
    if (m.epoch !== undefined) return k;
    m.epoch = value;
    m.epochAt = at;
  } else {
    if (m.step !== undefined) return k;
    m.step = value;
    m.stepAt = at;
  }
  m.context ??= context;
  use(t, from, j);
  // The position in the epoch, right after its marker: `[ 50/1000]`, `100 / 1000`.
  return m.position === undefined ? readPosition(t, j, m, false) : j;
}

/**
 * A position `[d/T]`, `[d/T (p%)]`, `[ d / T ]` at token `k` (or, when `bracketOnly` is false, an unbracketed `d/T`
 * or `d / T`); returns the token after it, or `k` when there is none.
 */
function readPosition(t: Tokens, k: number, m: LineMarkers, bracketOnly: boolean): number {
  let j = k;
  const bracket = isBracket(t, j);
  if (bracket) j++;
  else if (bracketOnly) return k;
  if (t.kind[j] !== NUMBER || !((t.flags[j] as number) & INTEGER) || t.unitStart[j] !== -1) return k;
  const at = j;
  const value = t.value[j] as number;
  if (!Number.isNaN(t.total[j] as number)) j++;
  else if (t.kind[j + 1] === SLASH && t.kind[j + 2] === NUMBER) j += 3;
  else return k;
  if (bracket) {
    // `(  4%)` inside the brackets.
    if (t.kind[j] === OPEN && t.kind[j + 1] === NUMBER && t.kind[j + 2] === CLOSE) j += 3;
    if (t.kind[j] !== CLOSE) return k;
    j++;
  }
  m.position = value;
  m.positionAt = at;
  use(t, k, j);
  return j;
}
