import { describe, expect, it } from 'vitest';
import { formatEnergy, formatJoules, gridIntensityFromEnv, summarizeEnergy, worldAverageGridIntensity } from '../../src/model/energy.js';
import { UsageError } from '../../src/model/errors.js';

describe('gridIntensityFromEnv', () => {
  it('takes RUNMETER_GRID_INTENSITY in g CO2e/kWh, else the world average of 475, named as such', () => {
    expect(gridIntensityFromEnv({})).toEqual({ gramsPerKwh: 475, source: 'world average' });
    expect(worldAverageGridIntensity).toBe(475);
    expect(gridIntensityFromEnv({ RUNMETER_GRID_INTENSITY: ' 56 ' })).toEqual({ gramsPerKwh: 56, source: 'RUNMETER_GRID_INTENSITY' });
    expect(gridIntensityFromEnv({ RUNMETER_GRID_INTENSITY: '0' }).gramsPerKwh).toBe(0);
  });

  it('refuses a value that is not a number of grams, naming the variable and the value', () => {
    for (const bad of ['abc', '-3', '475g', 'Infinity']) {
      expect(() => gridIntensityFromEnv({ RUNMETER_GRID_INTENSITY: bad })).toThrow(UsageError);
      expect(() => gridIntensityFromEnv({ RUNMETER_GRID_INTENSITY: bad })).toThrow(`RUNMETER_GRID_INTENSITY: expected grams of CO2e per kWh`);
    }
  });
});

describe('summarizeEnergy', () => {
  it('adds sources up to joules and kWh, per step, and CO2e at the grid intensity', () => {
    const summary = summarizeEnergy(
      [
        { source: 'gpu/0', joules: 2_520_000, estimated: false },
        { source: 'gpu/1', joules: 1_080_000, estimated: true },
        { source: 'cpu', joules: 360_000, estimated: false },
      ],
      { steps: 1000, gridIntensity: { gramsPerKwh: 475, source: 'world average' } },
    );
    expect(summary.joules).toBe(3_960_000);
    expect(summary.kwh).toBeCloseTo(1.1, 12);
    expect(summary.estimatedJoules).toBe(1_080_000);
    expect(summary.joulesPerStep).toBe(3960);
    expect(summary.co2eGrams).toBeCloseTo(1.1 * 475, 9);
    expect(formatEnergy(summary)).toBe(
      '1.1 kWh (3.96 MJ, 3.96 kJ per step, 1.08 MJ of it estimated from power readings), 523 g CO2e at 475 g/kWh (world average)',
    );
  });

  it('leaves the per-step figure out when no steps are known', () => {
    const summary = summarizeEnergy([{ source: 'cpu', joules: 900, estimated: false }], { gridIntensity: gridIntensityFromEnv({}) });
    expect(summary.joulesPerStep).toBeUndefined();
    expect(formatEnergy(summary)).toBe('0.00025 kWh (900 J), 0.119 g CO2e at 475 g/kWh (world average)');
    expect(formatJoules(1_234_567)).toBe('1.23 MJ');
  });
});
