import type { SampleValue } from '../reading.js';
import type { GpuReading } from './types.js';

/** How the GPU series tell the job's processes among those the driver lists. */
export interface JobProcesses {
  /** The job's processes at this reading. */
  pids: ReadonlySet<number>;
  /** Whether a pid the driver gave is one of the job's under another PID namespace's numbering (NSpid). */
  isJobElsewhere?: (pid: number) => boolean;
  /** Whether a pid can be seen at all from here: a driver that gives host pids inside a container gives ones that cannot. */
  isVisible?: (pid: number) => boolean;
}

interface EnergyState {
  origin: number;
  last: number;
  carried: number;
}

/**
 * Turns GPU readings into `gpu/<i>/...` values and `job/gpu_memory_bytes`. Energy counts from the first reading (the run's start):
 * from the driver's counter where there is one, else estimated from power readings times the time they cover.
 */
export class GpuSeries {
  private readonly energy = new Map<number, EnergyState>();
  private readonly estimated = new Map<number, number>();
  private readonly reasons = new Map<number, number>();
  /** Set when the driver listed only processes this PID namespace cannot see: their memory cannot be told the job's or not. */
  foreignPids = false;

  /** The values of one reading that covers `coveredMs` since the last one. */
  values(readings: GpuReading[], job: JobProcesses | undefined, coveredMs: number): SampleValue[] {
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
      add('sm_active_percent', gpu.smActivePercent);
      add('sm_occupancy_percent', gpu.smOccupancyPercent);
      add('tensor_active_percent', gpu.tensorActivePercent);
      add('dram_bandwidth_percent', gpu.dramBandwidthPercent);
      if (gpu.energyCounterJoules !== undefined) add('energy_joules', this.energySinceStart(gpu.index, gpu.energyCounterJoules));
      else if (gpu.powerWatts !== undefined) add('estimated_energy_joules', this.estimate(gpu.index, gpu.powerWatts, coveredMs));
      // Throttle reasons as events: a point when they change, not a mean of bit masks.
      if (gpu.clocksEventReasons !== undefined && this.reasons.get(gpu.index) !== gpu.clocksEventReasons) {
        this.reasons.set(gpu.index, gpu.clocksEventReasons);
        add('clocks_event_reasons', gpu.clocksEventReasons);
      }
      for (const xid of gpu.xids ?? []) add('xid', xid);
      const mine = this.jobMemory(gpu, job);
      if (mine !== undefined) {
        add('job_memory_bytes', mine);
        jobGpuMemory = (jobGpuMemory ?? 0) + mine;
      }
    }
    if (jobGpuMemory !== undefined) values.push({ name: 'job/gpu_memory_bytes', value: jobGpuMemory });
    return values;
  }

  /** The GPU memory the job's processes hold on one GPU; undefined when the driver did not list processes, or listed foreign ones. */
  private jobMemory(gpu: GpuReading, job: JobProcesses | undefined): number | undefined {
    if (gpu.processes === undefined || job === undefined) return undefined;
    let mine = 0;
    let matched = gpu.processes.length === 0;
    let foreign = gpu.processes.length > 0;
    for (const process of gpu.processes) {
      if (job.pids.has(process.pid) || job.isJobElsewhere?.(process.pid)) {
        mine += process.usedBytes;
        matched = true;
      }
      if (job.isVisible?.(process.pid) ?? true) foreign = false;
    }
    // None of the listed pids exists here: the driver gives host pids to a container; 0 would be a guess, not a reading.
    if (!matched && foreign) {
      this.foreignPids = true;
      return undefined;
    }
    return mine;
  }

  private energySinceStart(index: number, counter: number): number {
    const energy = this.energy.get(index);
    if (energy === undefined) {
      this.energy.set(index, { origin: counter, last: counter, carried: 0 });
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

  private estimate(index: number, watts: number, coveredMs: number): number {
    // The first reading starts the count; later ones add their power times the time since the reading before.
    const total = this.estimated.has(index) ? (this.estimated.get(index) ?? 0) + (watts * coveredMs) / 1000 : 0;
    this.estimated.set(index, total);
    return total;
  }
}
