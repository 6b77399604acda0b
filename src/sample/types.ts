import type { SeriesPoint } from '../model/point.js';

export interface SamplerOptions {
  /** The job's root process: it and every descendant are the `job/` series. Absent: no job series. */
  rootPid?: number;
  /** Filesystems for `system/disk_*`; the first is the job's working directory. */
  diskPaths?: string[];
  /** How often to read, in ms (default 1000). */
  sampleIntervalMs?: number;
  /** The job's environment (for CUDA_VISIBLE_DEVICES). */
  env?: NodeJS.ProcessEnv;
  /** Called once per problem with a message for the user (a source that cannot be read). */
  warn?(message: string): void;
  /** Whether to look for GPUs (default true). */
  gpu?: boolean;
  /** The NVML library to load instead of `libnvidia-ml.so.1` (an unusual install; tests load a stand-in). */
  nvmlLibrary?: string;
  /** Where procfs is (default `/proc`); tests point it at a recorded tree. */
  procDir?: string;
  /** Where sysfs is (default `/sys`). */
  sysDir?: string;
}

/**
 * Reads machine, job and GPU metrics every sample interval and reports their means.
 * Series names carry their units: `system/cpu_percent`, `job/memory_rss_bytes`, `gpu/0/power_watts`, ...
 */
export interface SystemSampler {
  /** Starts reading every sample interval (its timer does not keep the process alive). */
  start(): void;
  /** Takes one reading now. */
  sampleNow(): Promise<void>;
  /** The means of the readings since the last report (utilizations also their max), as points at `time`. */
  report(time: number): SeriesPoint[];
  /** prov4ml's log_system_metrics: the means since the previous call, by series name. */
  sinceLastCall(): Record<string, number>;
  /** The job to measure, once it has started. */
  setRootPid(pid: number): void;
  /** Stops reading and releases what it holds (NVML). */
  stop(): Promise<void>;
}
