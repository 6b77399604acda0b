import type { OomFinding } from '../../model/end-cause.js';
import { type KernelFindings, parseKernelLog, readKernelLog } from '../kernel-log.js';
import { ProcFiles } from '../procfs/read-file.js';
import type { SampleValue } from '../reading.js';
import { memoryUsageFile, readAllowedCpus, readCpuLimit, readMachineOomKills, readMemoryLimit, readMemoryPeak, readOomKills } from './limits.js';
import { type JobCgroups, locateCgroups } from './locate.js';

// Limits change rarely (a container's are set at its start): look again once a minute, and whenever the job may have moved.
const refreshMs = 60_000;

/** What the OOM killer did during the run, with the evidence: for `endCause`, and for the user. */
export interface OomEvidence extends OomFinding {
  /** The job's processes the kernel log says the OOM killer killed. */
  victims: { pid: number; command: string; rssBytes?: number }[];
  /** OOM kills the job's cgroup counted during the run (undefined where the kernel has no such counter). */
  cgroupKills?: number;
}

/**
 * The job's cgroup: its memory and CPU limits (v1 or v2, the lowest on the way up), the job's use against them, and the OOM
 * killer's count before and after the run.
 */
export class CgroupProbe {
  private cgroups: JobCgroups = {};
  private memoryLimit: number | undefined;
  private cpuLimit: number | undefined;
  private checkedAtMs = Number.NEGATIVE_INFINITY;
  private killsBefore: { cgroup?: number; machine?: number } = {};
  private files: ProcFiles | undefined;

  constructor(
    private readonly procDir: string,
    private readonly machine: { cpuCount: number; memoryBytes: () => number | undefined },
  ) {}

  /** Finds the cgroup of the job's root and counts the OOM kills so far. */
  start(rootPid: number, nowMs: number): void {
    this.locate(rootPid, nowMs);
    const cgroup = this.cgroups.memory === undefined ? undefined : readOomKills(this.cgroups.memory);
    const machine = readMachineOomKills(this.procDir);
    this.killsBefore = { ...(cgroup === undefined ? {} : { cgroup }), ...(machine === undefined ? {} : { machine }) };
  }

  /** The limit series for one reading, given the job's values of the same reading. */
  read(rootPid: number, nowMs: number, job: { rssBytes?: number | undefined; cpuPercent?: number | undefined }): SampleValue[] {
    if (nowMs - this.checkedAtMs >= refreshMs) this.locate(rootPid, nowMs);
    const values: SampleValue[] = [];
    if (this.memoryLimit !== undefined) {
      values.push({ name: 'job/memory_limit_bytes', value: this.memoryLimit });
      if (job.rssBytes !== undefined) values.push({ name: 'job/memory_percent_of_limit', value: (job.rssBytes / this.memoryLimit) * 100 });
      const used = this.cgroups.memory === undefined ? undefined : Number(this.files?.read(memoryUsageFile(this.cgroups.memory))?.trim());
      if (used !== undefined && Number.isFinite(used)) values.push({ name: 'job/cgroup_memory_used_bytes', value: used });
    }
    if (this.cpuLimit !== undefined) {
      values.push({ name: 'job/cpu_limit_cores', value: this.cpuLimit });
      if (job.cpuPercent !== undefined) values.push({ name: 'job/cpu_percent_of_limit', value: job.cpuPercent / this.cpuLimit });
    }
    return values;
  }

  /** The memory limit that applies to the job, if any. */
  get memoryLimitBytes(): number | undefined {
    return this.memoryLimit;
  }

  /**
   * What the OOM killer did since start(): the job's cgroup counter, and the kernel log's victims among `jobPids` (when the log can
   * be read: root, or CAP_SYSLOG). `sinceUs` is the run's start on the log's clock.
   */
  oomEvidence(
    jobPids: ReadonlySet<number>,
    sinceUs: number,
    sampledPeakRss: number | undefined,
    options: { readLogAnyway?: boolean } = {},
  ): { oom: OomEvidence; kernel?: KernelFindings } {
    const cgroupNow = this.cgroups.memory === undefined ? undefined : readOomKills(this.cgroups.memory);
    const machineNow = readMachineOomKills(this.procDir);
    const cgroupKills = cgroupNow !== undefined && this.killsBefore.cgroup !== undefined ? cgroupNow - this.killsBefore.cgroup : undefined;
    const machineKills = machineNow !== undefined && this.killsBefore.machine !== undefined ? machineNow - this.killsBefore.machine : undefined;
    // The log is read only when a counter moved, or cannot tell (kernels before 4.13), or when asked (a GPU's Xid errors).
    const look = options.readLogAnyway || machineKills === undefined || machineKills > 0 || (cgroupKills ?? 0) > 0;
    const records = look ? readKernelLog() : undefined;
    // A second of slack: the log's clock and ours are both monotonic, but not read at the same instant.
    const kernel = records === undefined ? undefined : parseKernelLog(records, sinceUs - 1_000_000);
    const victims = (kernel?.oomKills ?? [])
      .filter((kill) => jobPids.has(kill.pid))
      .map(({ pid, command, rssBytes }) => ({ pid, command, ...(rssBytes ? { rssBytes } : {}) }));
    const victimRss = Math.max(0, ...victims.map((victim) => victim.rssBytes ?? 0));
    const peakRss = Math.max(sampledPeakRss ?? 0, victimRss);
    const cgroupPeak = this.cgroups.memory === undefined ? undefined : readMemoryPeak(this.cgroups.memory);
    const oom: OomEvidence = {
      // The job's own cgroup counting a kill is evidence enough where the log cannot be read; the machine-wide count is not.
      killed: victims.length > 0 || (cgroupKills ?? 0) > 0,
      victims,
      ...(cgroupKills === undefined ? {} : { cgroupKills }),
      ...(peakRss > 0 ? { peakRssBytes: peakRss } : {}),
      ...(cgroupPeak === undefined ? {} : { cgroupPeakBytes: cgroupPeak }),
      ...(this.memoryLimit === undefined ? {} : { limitBytes: this.memoryLimit }),
    };
    return { oom, ...(kernel === undefined ? {} : { kernel }) };
  }

  /** Closes the files it keeps open. */
  close(): void {
    this.files?.close();
  }

  private locate(rootPid: number, nowMs: number): void {
    this.checkedAtMs = nowMs;
    const found = locateCgroups(rootPid, this.procDir);
    // The root has exited: keep what was found while it ran.
    if (found.memory === undefined && found.cpu === undefined) return;
    this.cgroups = found;
    this.files?.close();
    // cgroupfs makes its files afresh at each read, as procfs does: the usage file is kept open between readings.
    this.files = found.memory === undefined ? undefined : new ProcFiles(found.memory.dir);
    const machineMemory = this.machine.memoryBytes();
    const memory = found.memory === undefined ? undefined : readMemoryLimit(found.memory);
    // A "limit" at or above the machine's memory limits nothing.
    this.memoryLimit = memory !== undefined && (machineMemory === undefined || memory < machineMemory) ? memory : undefined;
    const quota = found.cpu === undefined ? undefined : readCpuLimit(found.cpu);
    const allowed = readAllowedCpus(this.procDir, rootPid);
    const cores = Math.min(quota ?? Number.POSITIVE_INFINITY, allowed ?? Number.POSITIVE_INFINITY);
    this.cpuLimit = cores < this.machine.cpuCount ? cores : undefined;
  }
}
