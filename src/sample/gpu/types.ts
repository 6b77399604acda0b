import type { GpuInfo } from '../../model/run.js';

/** One GPU's reading. Fields the driver did not give are absent; the others are still there. */
export interface GpuReading {
  /** The GPU's index as the driver numbers it (nvidia-smi's, NVML's), whatever CUDA_VISIBLE_DEVICES does to the job's numbering. */
  index: number;
  uuid?: string;
  utilizationPercent?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
  powerWatts?: number;
  temperatureCelsius?: number;
  /** The driver's energy counter in joules, from an origin of its own (driver load): only differences mean something. */
  energyCounterJoules?: number;
  /** GPU memory held by each process using this GPU; absent when the driver did not say. */
  processes?: { pid: number; usedBytes: number }[];
  /** Why the clocks are held down now (NVML's clocks event reasons, a bit mask): power cap, thermal slowdown, idle... */
  clocksEventReasons?: number;
  /** NVML GPM (Hopper and newer), between this reading and the one before, in percent. */
  smActivePercent?: number;
  smOccupancyPercent?: number;
  tensorActivePercent?: number;
  dramBandwidthPercent?: number;
  /** Xid errors the driver reported for this GPU since the last reading. */
  xids?: number[];
}

/** Where GPU readings come from: NVML, nvidia-smi, amd-smi or rocm-smi. */
export interface GpuSource {
  /** `nvml`, `nvidia-smi`, `amd-smi` or `rocm-smi`. */
  readonly name: string;
  /** The GPUs the job can see, described. */
  devices(): GpuInfo[];
  /** The latest readings of the GPUs the job can see (a library is read now, at `nowMs` on the sampler's monotonic clock; a tool's output is the one of the last refresh); `final`: the run's last reading, whose counters must be exact. */
  read(nowMs?: number, final?: boolean): GpuReading[];
  /** Runs the tool again, for sources that read a command's output. */
  refresh?(): Promise<void>;
  /** Releases the library. */
  close(): void;
}

/** Reports a problem once per key. */
export type WarnOnce = (key: string, message: string) => void;
