import type { SampleValue } from '../reading.js';
import type { GpuReading } from './types.js';

/** Turns GPU readings into `gpu/<i>/...` values and `job/gpu_memory_bytes`; energy counts from the first reading (the run's start). */
export class GpuSeries {
  private readonly energy = new Map<number, { origin: number; last: number; carried: number }>();

  /** The values of one reading; `jobPids` are the job's processes at this reading. */
  values(readings: GpuReading[], jobPids: ReadonlySet<number> | undefined): SampleValue[] {
    const values: SampleValue[] = [];
    let jobGpuMemory: number | undefined;
    for (const gpu of readings) {
      const prefix = `gpu/${gpu.index}/`;
      const device = gpu.uuid === undefined ? {} : { device: gpu.uuid };
      const add = (name: string, value: number | undefined) => {
        if (value !== undefined && Number.isFinite(value)) values.push({ name: prefix + name, value, ...device });
      };
      add('utilization_percent', gpu.utilizationPercent);
      add('memory_used_bytes', gpu.memoryUsedBytes);
      if (gpu.memoryUsedBytes !== undefined && gpu.memoryTotalBytes) add('memory_percent', (gpu.memoryUsedBytes / gpu.memoryTotalBytes) * 100);
      add('power_watts', gpu.powerWatts);
      add('temperature_celsius', gpu.temperatureCelsius);
      add('energy_joules', this.energySinceStart(gpu));
      if (gpu.processes !== undefined && jobPids !== undefined) {
        jobGpuMemory ??= 0;
        for (const process of gpu.processes) if (jobPids.has(process.pid)) jobGpuMemory += process.usedBytes;
      }
    }
    if (jobGpuMemory !== undefined) values.push({ name: 'job/gpu_memory_bytes', value: jobGpuMemory });
    return values;
  }

  private energySinceStart(gpu: GpuReading): number | undefined {
    const counter = gpu.energyCounterJoules;
    if (counter === undefined) return undefined;
    const energy = this.energy.get(gpu.index);
    if (energy === undefined) {
      this.energy.set(gpu.index, { origin: counter, last: counter, carried: 0 });
      return 0;
    }
    // A counter that went back means the driver was reloaded: keep what was counted and count on from there.
    if (counter < energy.last) {
      energy.carried += energy.last - energy.origin;
      energy.origin = counter;
    }
    energy.last = counter;
    return energy.carried + counter - energy.origin;
  }
}
