// A line that is a Python dict as `print(dict)` writes it: `{'loss': 0.5, 'acc': np.float64(0.85), 'note': 'hi'}`.
// Hugging Face Trainer logs are such lines, and so are FloydHub metric objects printed without json.dumps.
import { parseMetricNumber } from '../number.js';

/** One entry of the dict. */
export interface PythonDictEntry {
  key: string;
  /** A string's contents, a number's digits (taken out of `np.float64(...)` or `tensor(...)`), else the value as printed. */
  text: string;
  /** The value was a string literal. */
  quoted: boolean;
  /** The value as a number, when it is one (a quoted number too, as transformers 5 prints them). */
  number: number | undefined;
}

const SPACE = 0x20;
const COMMA = 0x2c;
const CLOSE = 0x7d;

// numpy 2 prints its scalars as `np.float64(0.85)`; torch prints `tensor(0.5)` or `tensor(0.5, device='cuda:0')`.
const wrappedNumber = /^(?:np|numpy)\.(?:float|int|uint)\d*\(\s*([^\s(),]+)\s*\)$|^tensor\(\s*([^\s(),]+)\s*(?:,.*)?\)$/s;

/** Reads a Python string literal at `at` (quote included); returns [text, end] or undefined. */
function readQuoted(text: string, at: number): [string, number] | undefined {
  const quote = text.charCodeAt(at);
  if (quote !== 0x27 && quote !== 0x22) return undefined;
  const end = text.indexOf(quote === 0x27 ? "'" : '"', at + 1);
  if (end < 0) return undefined;
  let escaped = false;
  for (let i = at + 1; i < end && !escaped; i++) escaped = text.charCodeAt(i) === 0x5c;
  if (!escaped) return [text.slice(at + 1, end), end + 1];
  // Escapes: unescape character by character.
  let value = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      value += text[i + 1] ?? '';
      i += 2;
    } else if (c === quote) return [value, i + 1];
    else {
      value += text[i];
      i++;
    }
  }
  return undefined;
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Where an unquoted value at `at` ends: the next `,` or `}` outside brackets and strings; -1 when none does. */
function bareValueEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x27 || c === 0x22) {
      const quoted = readQuoted(text, i);
      if (quoted === undefined) return -1;
      i = quoted[1] - 1;
    } else if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x29 || c === 0x5d || c === CLOSE) {
      if (depth === 0) return c === CLOSE ? i : -1;
      depth--;
    } else if (c === COMMA && depth === 0) return i;
  }
  return -1;
}

/** The entries of a line that is a Python dict with string keys; undefined when it is not one. */
export function readPythonDict(text: string): PythonDictEntry[] | undefined {
  if (text.charCodeAt(0) !== 0x7b) return undefined;
  const entries: PythonDictEntry[] = [];
  let i = skipSpaces(text, 1);
  if (text.charCodeAt(i) === CLOSE) return undefined;
  for (;;) {
    const key = readQuoted(text, i);
    if (key === undefined) return undefined;
    i = skipSpaces(text, key[1]);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpaces(text, i + 1);
    let entry: PythonDictEntry;
    const first = text.charCodeAt(i);
    if (first === 0x27 || first === 0x22) {
      const quoted = readQuoted(text, i);
      if (quoted === undefined) return undefined;
      const number = parseMetricNumber(quoted[0].trim());
      entry = { key: key[0], text: number === undefined ? quoted[0] : quoted[0].trim(), quoted: true, number };
      i = quoted[1];
    } else {
      const end = bareValueEnd(text, i);
      if (end < 0) return undefined;
      const raw = text.slice(i, end).trim();
      if (raw === '') return undefined;
      entry = { key: key[0], text: raw, quoted: false, number: parseMetricNumber(raw) };
      if (entry.number === undefined) {
        const inner = wrappedNumber.exec(raw);
        const digits = inner?.[1] ?? inner?.[2];
        if (digits !== undefined) {
          entry.number = parseMetricNumber(digits);
          if (entry.number !== undefined) entry.text = digits;
        }
      }
      i = end;
    }
    entries.push(entry);
    i = skipSpaces(text, i);
    const next = text.charCodeAt(i);
    if (next === CLOSE) return skipSpaces(text, i + 1) >= text.trimEnd().length ? entries : undefined;
    if (next !== COMMA) return undefined;
    i = skipSpaces(text, i + 1);
  }
}

/** An entry's value as JSON.parse would give it, for the checks JSON metric lines get: `True` is true, `[1]` an array. */
export function entryAsJson(entry: PythonDictEntry): unknown {
  if (entry.quoted) return entry.text;
  if (entry.number !== undefined) return entry.number;
  const text = entry.text;
  if (text === 'True' || text === 'False') return text === 'True';
  if (text === 'None') return null;
  const first = text.charCodeAt(0);
  if (first === 0x5b || first === 0x28) return [];
  if (first === 0x7b) return {};
  return text;
}
