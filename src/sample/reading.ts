/** One value of one reading: a series name with its unit in it, and for some series a device label. */
export interface SampleValue {
  name: string;
  value: number;
  /** A GPU's UUID, or the path of an extra disk (`--disk`). */
  device?: string;
}

/** How the readings between two reports become one point. */
export type Aggregation = 'mean' | 'meanAndMax' | 'last';

/** Utilizations also get their max (`<name>_max`); counters that only grow report their latest value. */
export function aggregationOf(name: string): Aggregation {
  if (name.endsWith('cpu_percent') || name.endsWith('utilization_percent')) return 'meanAndMax';
  if (name.endsWith('energy_joules')) return 'last';
  return 'mean';
}

/** Readings closer together than this carry no CPU percentages or rates: at 100 clock ticks a second they would be noise. */
export const minimumRateWindowMs = 100;
