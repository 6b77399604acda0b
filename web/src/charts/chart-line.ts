import type { XMode } from '../api.js';

/** One line on a chart: a series of a run. */
export interface ChartLine {
  /** Unique on the chart: `runId:seriesId`. */
  id: string;
  runId: string;
  seriesId: number;
  label: string;
  color: string;
  /** The run's start, for relative time. */
  startTime: number;
  /** Drawn dashed: a companion of another line, such as the interval maximum of a utilization. */
  dashed?: boolean;
  /** Whether the series has points with a step, and with an epoch (unknown counts as yes). */
  hasStep?: boolean;
  hasEpoch?: boolean;
}

/**
 * The x mode a chart can show: the one asked for, else the nearest its series have. Keras prints epochs without
 * steps, system metrics have neither: such a chart shows epochs, or time since the start, rather than nothing.
 */
export function chartMode(requested: XMode, lines: readonly ChartLine[]): XMode {
  const has = (axis: 'step' | 'epoch') => lines.some((l) => (axis === 'step' ? l.hasStep : l.hasEpoch) !== false);
  if (requested === 'step' && !has('step')) return has('epoch') ? 'epoch' : 'relative';
  if (requested === 'epoch' && !has('epoch')) return has('step') ? 'step' : 'relative';
  return requested;
}
