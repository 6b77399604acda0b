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
