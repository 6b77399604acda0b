// The shapes of a run's energy, apart from the arithmetic, so that the dashboard can use them without Node's types.

/** How much CO2e a kWh of the run's electricity stands for, and where that figure comes from. */
export interface GridIntensity {
  gramsPerKwh: number;
  /** `RUNMETER_GRID_INTENSITY`, or `world average`. */
  source: string;
}

/** The energy one source used during a run: a GPU's, the CPU packages'. */
export interface EnergyUse {
  /** `gpu/0`, `cpu`: the source as the series name it. */
  source: string;
  joules: number;
  /** Whether it comes from power readings times time rather than the hardware's own energy counter. */
  estimated: boolean;
}

/** A run's energy: joules and kWh in all, per step where steps are known, and the CO2e they stand for. */
export interface EnergySummary {
  joules: number;
  kwh: number;
  /** The part of `joules` that is estimated from power readings rather than counted by the hardware. */
  estimatedJoules: number;
  bySource: EnergyUse[];
  /** Per training step, when the run's steps are known. */
  joulesPerStep?: number;
  co2eGrams: number;
  gridIntensity: GridIntensity;
}
