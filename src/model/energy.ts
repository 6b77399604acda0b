import type { EnergySummary, EnergyUse, GridIntensity } from './energy-types.js';
import { UsageError } from './errors.js';

export type { EnergySummary, EnergyUse, GridIntensity } from './energy-types.js';

/** The world's average carbon intensity of electricity, grams of CO2e per kWh (IEA, as CodeCarbon and prov4ml use it). */
export const worldAverageGridIntensity = 475;

/** The grid intensity the user set in RUNMETER_GRID_INTENSITY (g CO2e/kWh), else the world average. Throws on a value that is not one. */
export function gridIntensityFromEnv(env: Record<string, string | undefined>): GridIntensity {
  const raw = env.RUNMETER_GRID_INTENSITY;
  if (raw === undefined || raw.trim() === '') return { gramsPerKwh: worldAverageGridIntensity, source: 'world average' };
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`RUNMETER_GRID_INTENSITY: expected grams of CO2e per kWh (a number, 0 or more, e.g. 475), got '${raw}'`);
  }
  return { gramsPerKwh: value, source: 'RUNMETER_GRID_INTENSITY' };
}

const joulesPerKwh = 3_600_000;

/** Adds up a run's energy by source, and gives it per step and as CO2e. */
export function summarizeEnergy(bySource: EnergyUse[], options: { steps?: number | undefined; gridIntensity: GridIntensity }): EnergySummary {
  const joules = bySource.reduce((sum, use) => sum + use.joules, 0);
  const estimatedJoules = bySource.reduce((sum, use) => sum + (use.estimated ? use.joules : 0), 0);
  const kwh = joules / joulesPerKwh;
  const steps = options.steps;
  return {
    joules,
    kwh,
    estimatedJoules,
    bySource,
    ...(steps !== undefined && steps > 0 ? { joulesPerStep: joules / steps } : {}),
    co2eGrams: kwh * options.gridIntensity.gramsPerKwh,
    gridIntensity: options.gridIntensity,
  };
}

/** One line for people: `0.342 kWh (1.23 MJ, 2.10 kJ per step), 162 g CO2e at 475 g/kWh (world average)`. */
export function formatEnergy(summary: EnergySummary): string {
  const parts = [formatJoules(summary.joules)];
  if (summary.joulesPerStep !== undefined) parts.push(`${formatJoules(summary.joulesPerStep)} per step`);
  if (summary.estimatedJoules > 0) parts.push(`${formatJoules(summary.estimatedJoules)} of it estimated from power readings`);
  const intensity = `${formatNumber(summary.gridIntensity.gramsPerKwh)} g/kWh (${summary.gridIntensity.source})`;
  return `${formatNumber(summary.kwh)} kWh (${parts.join(', ')}), ${formatNumber(summary.co2eGrams)} g CO2e at ${intensity}`;
}

/** Joules with an SI prefix: `950 J`, `1.23 MJ`. */
export function formatJoules(joules: number): string {
  const prefixes = ['', 'k', 'M', 'G', 'T'];
  let value = joules;
  let prefix = 0;
  while (Math.abs(value) >= 1000 && prefix < prefixes.length - 1) {
    value /= 1000;
    prefix++;
  }
  return `${formatNumber(value)} ${prefixes[prefix]}J`;
}

function formatNumber(value: number): string {
  if (value === 0) return '0';
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}
