import type { EnergyUse } from '../model/energy.js';
import type { SeriesPoint } from '../model/point.js';
import type { OomEvidence } from './cgroup/cgroup-probe.js';

export type { OomEvidence } from './cgroup/cgroup-probe.js';

export interface SamplerOptions {
  /** The job's root process: it and every descendant are the `job/` series. Absent: no job series. */
  rootPid?: number;
  /** Filesystems for `system/disk_*`; the first is the job's working directory. */
  diskPaths?: string[];
  /** How often to read, in ms (default 1000; never more than `reportIntervalMs`). */
  sampleIntervalMs?: number;
  /** How often to report, in ms (default 5000). Reports are made only when `onReport` is given. */
  reportIntervalMs?: number;
  /** Gets each report: one point per series for the window since the previous report, stamped with the window's end. */
  onReport?(points: SeriesPoint[]): void;
  /** The job's environment: CUDA_VISIBLE_DEVICES, PATH for nvidia-smi, RUNMETER_CPU_WATTS for a CPU energy estimate. */
  env?: NodeJS.ProcessEnv;
  /** Called once per problem with a message for the user (a source that cannot be read). */
  warn?(message: string): void;
  /** Whether to look for GPUs (default true). */
  gpu?: boolean;
  /**
   * Whether to read NVML's GPM metrics (default true). A GPU serves GPM to one client at a time: a second sampler beside
   * one that reads them (the Python client's, inside `runmeter run`) leaves them to it.
   */
  gpm?: boolean;
  /** The NVML library to load instead of `libnvidia-ml.so.1` (an unusual install; tests load a stand-in). */
  nvmlLibrary?: string;
  /** Where procfs is (default `/proc`); tests point it at a recorded tree. */
  procDir?: string;
  /** Where sysfs is (default `/sys`). */
  sysDir?: string;
}

/** What the sampler knows when the job has ended: for `endCause`, and the run's energy. */
export interface SamplerEnd {
  /** What the OOM killer did to the job (Linux: the job's cgroup counters and the kernel log); undefined elsewhere. */
  oom?: OomEvidence;
  /** Energy per source since the start (GPUs, CPU packages): for `summarizeEnergy`. */
  energy: EnergyUse[];
  /** GPU Xid errors during the run, from NVML's events (by GPU index) or the kernel log (by PCI address). */
  gpuErrors: { gpu: number | string; xid: number }[];
}

/**
 * Reads machine, job and GPU metrics every sample interval and reports them in windows that add up: each report covers the time
 * since the previous one exactly, is stamped with its end, and holds time-weighted means (a rate times the window's length is the
 * amount in it). Series names carry their units: `system/cpu_percent`, `job/memory_rss_bytes`, `gpu/0/power_watts`, ...
 */
export interface SystemSampler {
  /** Starts: the first window opens at `startTime` (ms since the epoch; the job's start, default now); readings every interval. */
  start(startTime?: number): void;
  /** Ends: the last window closes at `endTime` (the job's exit, default now) and is reported; NVML is released. */
  finish(endTime?: number): Promise<SamplerEnd>;
  /**
   * prov4ml's log_system_metrics: the window since this consumer's previous call (or the start), by series name. Each consumer
   * (the Node SDK, each Python process) has its own windows; none changes what another gets, or the reports.
   */
  sinceLastCall(consumer?: string): Promise<Record<string, number>>;
  /** @deprecated Takes one reading now; only for callers that make their own reports with report(). */
  sampleNow(): Promise<void>;
  /** @deprecated Closes the report window now and gives its points stamped `time`; use `onReport` instead. */
  report(time: number): SeriesPoint[];
  /** @deprecated Measures the job under `pid` from now on; give `rootPid` to createSystemSampler instead. */
  setRootPid(pid: number): void;
  /** @deprecated Stops without a last report; use finish(). */
  stop(): Promise<void>;
}
