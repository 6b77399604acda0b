/** One value of one reading: a series name with its unit in it, and for some series a device label. */
export interface SampleValue {
  name: string;
  value: number;
  /** A GPU's UUID, or the path of an extra disk (`--disk`). */
  device?: string;
}

/**
 * How the readings inside a window become its one point:
 * - `mean`: the time-weighted mean over the time the readings cover (memory, temperature, counts);
 * - `meanAndMax`: the same, plus `<name>_max`, the highest reading (utilizations);
 * - `rate`: an amount per time (CPU, bytes per second) whose window value times the window's length is the amount in it: time
 *   without a reading counts as none (a job that has exited uses no CPU); `rateAndMax` adds `<name>_max`;
 * - `last`: a running total (energy since the run's start): its latest reading;
 * - `event`: a change as it happens (a GPU's Xid error, new clock throttle reasons), one point at the reading that saw it.
 */
export type Aggregation = 'mean' | 'meanAndMax' | 'rate' | 'rateAndMax' | 'last' | 'event';

/** The aggregation a series' name implies. */
export function aggregationOf(name: string): Aggregation {
  if (name === 'job/cpu_percent') return 'rateAndMax';
  if (name.endsWith('cpu_percent') || name.endsWith('utilization_percent') || name.endsWith('sm_active_percent')) return 'meanAndMax';
  if (name.endsWith('_per_s')) return 'rate';
  if (name.endsWith('energy_joules') || name.endsWith('_limit_bytes') || name.endsWith('_limit_cores')) return 'last';
  if (name.endsWith('/xid') || name.endsWith('clocks_event_reasons')) return 'event';
  return 'mean';
}

/** A reading shorter than this gives no `_max`: ticks over a few milliseconds would read as 0% or 300%. */
export const minimumMaxWindowMs = 100;
