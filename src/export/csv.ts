import type { Store } from '../store/store.js';
import { Output } from './output.js';
import { isoTime, runById, runPoints } from './points.js';

/** The CSV columns, in order. */
export const csvColumns = ['run', 'series', 'kind', 'context', 'rank', 'node', 'device', 'time', 'time_ms', 'step', 'epoch', 'value'] as const;

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string | number | undefined): string {
  if (text === undefined) return '';
  const s = String(text);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** An optional axis value: empty when absent (stored as NaN). */
const axis = (n: number): string => (Number.isNaN(n) ? '' : String(n));

/**
 * Writes a run's points as CSV, one row per point, series after series. Values are written as JavaScript prints them,
 * so NaN, Infinity and -Infinity appear as those words, never as an empty field.
 */
export async function writeCsv(store: Store, runId: string, out: NodeJS.WritableStream): Promise<void> {
  const run = await runById(store, runId);
  const output = new Output(out);
  await output.write(`${csvColumns.join(',')}\n`);
  for await (const { series, points } of runPoints(store, runId)) {
    const labels = [run.id, series.name, series.kind, series.context, series.rank, series.node, series.device].map(csvField).join(',');
    let text = '';
    for (let i = 0; i < points.value.length; i++) {
      const time = points.time[i] as number;
      text += `${labels},${isoTime(time)},${time},${axis(points.step[i] as number)},${axis(points.epoch[i] as number)},${points.value[i] as number}\n`;
    }
    await output.write(text);
  }
}
