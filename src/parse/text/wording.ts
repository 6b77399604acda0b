// How the text reader names what a line leaves unnamed, and the prefixes it skips.
import { UNIT, wordFlags } from './words.js';

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * Where the message starts after an absl/glog prefix (`I1203 12:00:00.123456 140123 train.py:146] `), which Flax
 * and torch.distributed print: its file name and line number are not a pair.
 */
export function skipLogPrefix(buf: Buffer, start: number, end: number): number {
  const level = buf[start];
  if (end - start < 24 || (level !== 0x49 && level !== 0x57 && level !== 0x45 && level !== 0x46)) return start;
  for (let k = 1; k <= 4; k++) if (!isDigit(buf[start + k])) return start;
  if (buf[start + 5] !== 0x20 || buf[start + 8] !== 0x3a) return start;
  const limit = Math.min(end - 1, start + 160);
  for (let i = start + 6; i < limit; i++) if (buf[i] === 0x5d && buf[i + 1] === 0x20) return i + 2;
  return start;
}

const durations = new Set(['ms', 's', 'sec', 'secs', 'us', 'µs', 'ns', 'min', 'mins']);

/**
 * The name of a value printed with a unit and no name: a rate is named by its unit (`tok/s`; a bare `/s`,
 * timm's samples per second, is `throughput`), a time per step `time/step`, a duration `time`; other units
 * (`%`, `G`) name nothing.
 */
export function unnamedName(unit: string): string | undefined {
  if (unit === '/s') return 'throughput';
  if (unit.endsWith('/s')) return unit;
  if (unit.endsWith('/step') || unit.endsWith('/it') || unit === 's/it') return 'time/step';
  return durations.has(unit) ? 'time' : undefined;
}

// Throughputs that loggers print without a unit; the unit is their source's (torchtitan: tps is tokens per second
// per device, tflops TFLOP/s per device; fairseq: wps words and ups updates per second).
const impliedUnits = new Map([
  ['tps', 'tok/s'],
  ['tflops', 'TFLOP/s'],
  ['wps', 'words/s'],
  ['ups', 'updates/s'],
]);

/** A unit a name gives: `(ms)` at its end (`elapsed time per iteration (ms)`), or a throughput's implied one. */
export function unitOfName(name: string): string | undefined {
  if (name.endsWith(')')) {
    const open = name.lastIndexOf('(');
    const inside = name.slice(open + 1, -1);
    if (open > 0 && inside.length > 0 && (inside.includes('/') || wordFlags(Buffer.from(inside), 0, Buffer.byteLength(inside)) & UNIT)) return inside;
  }
  return impliedUnits.get(name.toLowerCase());
}
