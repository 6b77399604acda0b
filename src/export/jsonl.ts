import { encodeValue } from '../model/point.js';
import type { Store } from '../store/store.js';
import { Output } from './output.js';
import { isoTime, runById, runPoints } from './points.js';

/**
 * Writes a run's points as JSON Lines, one object per point: `run`, `series`, `kind`, `context` and where present
 * `rank`, `node`, `device`, then `time` (ISO), `time_ms`, `step` and `epoch` where known, and `value`: a number, or
 * the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers; never null).
 */
export async function writeJsonl(store: Store, runId: string, out: NodeJS.WritableStream): Promise<void> {
  await runById(store, runId);
  const output = new Output(out);
  for await (const { series, points } of runPoints(store, runId)) {
    const labels: Record<string, string | number> = { run: runId, series: series.name, kind: series.kind };
    if (series.context !== undefined) labels.context = series.context;
    if (series.rank !== undefined) labels.rank = series.rank;
    if (series.node !== undefined) labels.node = series.node;
    if (series.device !== undefined) labels.device = series.device;
    // The labels are the same on every line of a series: serialize them once, without the closing brace.
    const head = JSON.stringify(labels).slice(0, -1);
    let text = '';
    for (let i = 0; i < points.value.length; i++) {
      const time = points.time[i] as number;
      const step = points.step[i] as number;
      const epoch = points.epoch[i] as number;
      text += `${head},"time":"${isoTime(time)}","time_ms":${time}`;
      if (!Number.isNaN(step)) text += `,"step":${step}`;
      if (!Number.isNaN(epoch)) text += `,"epoch":${epoch}`;
      text += `,"value":${JSON.stringify(encodeValue(points.value[i] as number))}}\n`;
    }
    await output.write(text);
  }
}
