// tqdm bars with a postfix: `epoch 1: 100%|██████████| 200/200 [00:01<00:00, 187.98it/s, acc=0.995, loss=0.005]`,
// also without a total (`1000it [00:01, 800.00it/s, loss=0.5]`). Lightning's default bar is one of these
// (`Epoch 0: 100%|...| 32/32 [..., v_num=0, train_loss=0.695]`).
import { metricNamePattern, parseMetricNumber } from '../number.js';
import type { BarReading } from './bars.js';

const withTotal = /^(?:(.*?):\s*)?\d+%\|[^|]*\|\s*(\S+?)\/(\S+)\s*\[([^\]]*)\]$/;
const withoutTotal = /^(?:(.*?):\s*)?(\d+)[A-Za-z]*\s*\[([^\]]*)\]$/;
const epochInDescription = /\bepoch\b[\s_:#-]*\[?(\d+)/i;
// Lightning's logger version, not a metric.
const ignoredNames = new Set(['v_num']);

/** The `k=v` (or `k: v`) items of a postfix that hold numbers. */
export function readPostfix(inside: string): Array<[string, number]> {
  const values: Array<[string, number]> = [];
  for (const item of inside.split(', ')) {
    const eq = item.indexOf('=');
    const colon = eq < 0 ? item.indexOf(': ') : -1;
    const at = eq >= 0 ? eq : colon;
    if (at <= 0) continue;
    const name = item.slice(0, at).trim();
    const value = parseMetricNumber(item.slice(at + (eq >= 0 ? 1 : 2)).trim());
    if (value !== undefined && metricNamePattern.test(name) && !ignoredNames.has(name)) values.push([name, value]);
  }
  return values;
}

/** Reads one redraw of a tqdm bar (escapes already removed), or undefined when it is not one. */
export function readTqdmBar(text: string): BarReading | undefined {
  const trimmed = text.trim();
  if (!trimmed.endsWith(']')) return undefined;
  let description: string;
  let done: number;
  let total: number;
  let inside: string;
  const full = withTotal.exec(trimmed);
  if (full !== null) {
    description = full[1] ?? '';
    done = Number(full[2]);
    total = Number(full[3]);
    inside = full[4] as string;
  } else {
    const open = withoutTotal.exec(trimmed);
    if (open === null || !/\d\d:\d\d/.test(open[3] as string)) return undefined;
    description = open[1] ?? '';
    done = Number(open[2]);
    total = Number.NaN;
    inside = open[3] as string;
  }
  const { family, epoch } = barDescription(description);
  return {
    format: 'tqdm',
    family,
    epoch,
    done,
    total,
    values: readPostfix(inside),
  };
}

/** What a bar's description says: its family (numbers taken out, so each epoch's bar is the same) and the epoch it names. */
export function barDescription(description: string): { family: string; epoch: number | undefined } {
  const epoch = epochInDescription.exec(description);
  return { family: description.replace(/\d+/g, '#'), epoch: epoch ? Number(epoch[1]) : undefined };
}
