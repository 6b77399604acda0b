// PyTorch Lightning's rich progress bar: `Epoch 2/2  ━━━━━━━━━━ 32/32 0:00:00 • 0:00:00 214.54it/s train_loss: 0.695`,
// with the values that do not fit wrapped onto the next line (`          val_loss: 0.699`). On a terminal the bar
// is redrawn in place with cursor moves; in a file only its final state is printed.
import { metricNamePattern, parseMetricNumber } from '../number.js';
import type { BarReading } from './bars.js';

const richBar = /^Epoch (\d+)(?:\/\d+)?\s+.*?\b(\d+)\/(\d+)\s(.*)$/;
const pair = /([A-Za-z_][\w./-]*): (\S+)/g;
const onlyPairs = /^(?:[A-Za-z_][\w./-]*: \S+\s*)+$/;
const ignoredNames = new Set(['v_num']);

function readPairs(text: string): Array<[string, number]> {
  const values: Array<[string, number]> = [];
  for (const match of text.matchAll(pair)) {
    const name = match[1] as string;
    const value = parseMetricNumber(match[2] as string);
    if (value !== undefined && metricNamePattern.test(name) && !ignoredNames.has(name)) values.push([name, value]);
  }
  return values;
}

/** The family of Lightning's epoch bar. */
export const lightningFamily = 'Epoch';

/** Reads a redraw of the rich epoch bar (escapes already removed), or undefined. */
export function readRichBar(text: string): BarReading | undefined {
  const match = richBar.exec(text.trim());
  if (match === null) return undefined;
  const rest = match[4] as string;
  if (!/it\/s|s\/it|•/.test(match[0])) return undefined;
  return { format: 'lightning', family: lightningFamily, epoch: Number(match[1]), done: Number(match[2]), total: Number(match[3]), values: readPairs(rest) };
}

/** The values of a line that holds nothing else (`   val_loss: 0.699  `), or undefined. */
export function readWrappedValues(text: string): Array<[string, number]> | undefined {
  const trimmed = text.trim();
  if (!onlyPairs.test(trimmed)) return undefined;
  const values = readPairs(trimmed);
  return values.length > 0 ? values : undefined;
}

const epochWord = 'Epoch ';
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * Whether readRichBar could read the text of `buf[start, end)` (leading spaces and tabs skipped): false only when
 * its bytes rule that out (the text does not start with `Epoch N ` or `Epoch N/M `).
 */
export function mayBeRichBar(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start] as number;
  if (first !== 0x45) return first <= 0x20 || first >= 0x80;
  for (let k = 1; k < 6; k++) if (buf[start + k] !== epochWord.charCodeAt(k) || start + k >= end) return false;
  let i = start + 6;
  if (!isDigit(buf[i])) return false;
  while (i < end && isDigit(buf[i])) i++;
  if (buf[i] === 0x2f && isDigit(buf[i + 1])) {
    i++;
    while (i < end && isDigit(buf[i])) i++;
  }
  const next = buf[i] as number;
  return i < end && (next <= 0x20 || next >= 0x80);
}
