import fs from 'node:fs';
import os from 'node:os';
import { CgroupProbe, type OomEvidence } from './cgroup/cgroup-probe.js';
import { DiskUsageProbe } from './disk-usage.js';
import { RaplProbe } from './energy/rapl.js';
import { openGpuSource } from './gpu/open.js';
import { GpuSeries } from './gpu/series.js';
import type { GpuSource, WarnOnce } from './gpu/types.js';
import type { KernelFindings } from './kernel-log.js';
import { PortableMachineProbe } from './portable.js';
import { JobTreeProbe } from './procfs/job-tree.js';
import { LinuxMachineProbe } from './procfs/machine.js';
import { NamespacePids } from './procfs/namespaces.js';
import { readKernelUnits } from './procfs/read-file.js';
import type { SampleValue } from './reading.js';
import type { SamplerOptions } from './types.js';

/** Every source of one reading: the machine, the job's tree and cgroup, disks, CPU energy and GPUs. */
export class SystemProbes {
  private readonly machine: LinuxMachineProbe | PortableMachineProbe;
  private readonly job: JobTreeProbe | undefined;
  private readonly cgroup: CgroupProbe | undefined;
  private readonly disks: DiskUsageProbe;
  private readonly rapl: RaplProbe | undefined;
  private readonly cpuWatts: number | undefined;
  private cpuEstimate: number | undefined;
  private readonly gpuSeries = new GpuSeries();
  private readonly namespaces: NamespacePids;
  private gpu: GpuSource | undefined;
  private closed = false;
  private rootPid: number | undefined;
  /** Resolves once the GPU source is open (NVML's init runs off the main thread), or found missing. */
  readonly gpuReady: Promise<void>;
  /** The job's processes at the latest reading. */
  jobPids: number[] = [];
  /** The highest job/memory_rss_bytes read. */
  peakRssBytes: number | undefined;

  constructor(
    private readonly options: SamplerOptions,
    private readonly warnOnce: WarnOnce,
  ) {
    const procDir = options.procDir ?? '/proc';
    const sysDir = options.sysDir ?? '/sys';
    this.namespaces = new NamespacePids(procDir);
    if (fs.existsSync(`${procDir}/stat`)) {
      const linux = new LinuxMachineProbe({ procDir, sysDir }, warnOnce);
      this.machine = linux;
      this.job = new JobTreeProbe(procDir, readKernelUnits(procDir));
      this.cgroup = new CgroupProbe(procDir, { cpuCount: os.cpus().length, memoryBytes: () => linux.memoryTotalBytes });
    } else {
      this.machine = new PortableMachineProbe();
      warnOnce(
        'platform',
        `system metrics on ${process.platform}: the machine's CPU, memory and disk space and the GPUs are recorded; the job's own processes, disk IO and network need Linux's /proc and are not`,
      );
    }
    this.disks = new DiskUsageProbe(options.diskPaths ?? [process.cwd()], warnOnce);
    this.rapl = process.platform === 'linux' ? new RaplProbe(sysDir) : undefined;
    const watts = Number(options.env?.RUNMETER_CPU_WATTS);
    this.cpuWatts = this.rapl?.available || !(watts > 0) ? undefined : watts;
    this.gpuReady =
      options.gpu === false
        ? Promise.resolve()
        : openGpuSource({ env: options.env ?? process.env, nvmlLibrary: options.nvmlLibrary, gpm: options.gpm, warnOnce }).then(
            (source) => {
              if (this.closed) source?.close();
              else this.gpu = source;
            },
            (error: Error) => warnOnce('gpu', `GPU metrics are off: ${error.message}`),
          );
  }

  /** Measures the job under `pid`, its CPU counted from `startedAtMs`. */
  setJob(pid: number, startedAtMs: number, nowMs: number): void {
    this.rootPid = pid;
    this.job?.setRoot(pid, startedAtMs, nowMs);
    this.cgroup?.start(pid, nowMs);
  }

  /** Runs the GPU tool again, for sources that read a command's output (nvidia-smi, amd-smi). */
  async refresh(): Promise<void> {
    await this.gpuReady;
    await this.gpu?.refresh?.();
  }

  /** Takes one reading at `nowMs` (monotonic) that covers `coveredMs` since the last; `final`: the run's last one. */
  read(nowMs: number, coveredMs: number, final = false): SampleValue[] {
    const values: SampleValue[] = [...this.machine.read(nowMs), ...this.disks.read()];
    if (this.job !== undefined) {
      const memoryTotal = this.machine instanceof LinuxMachineProbe ? this.machine.memoryTotalBytes : undefined;
      const job = this.job.read(nowMs, memoryTotal);
      values.push(...job.values);
      this.jobPids = job.pids;
      const rss = job.values.find((value) => value.name === 'job/memory_rss_bytes')?.value;
      if (rss !== undefined && job.pids.length > 0) this.peakRssBytes = Math.max(this.peakRssBytes ?? 0, rss);
      if (this.cgroup !== undefined && this.rootPid !== undefined && job.pids.length > 0) {
        const cpuPercent = job.values.find((value) => value.name === 'job/cpu_percent')?.value;
        values.push(...this.cgroup.read(this.rootPid, nowMs, { rssBytes: rss, cpuPercent }));
      }
    }
    values.push(...this.energyValues(values, coveredMs));
    if (this.gpu !== undefined) values.push(...this.gpuSeries.values(this.gpu.read(nowMs, final), this.jobProcesses(), coveredMs));
    if (this.gpuSeries.foreignPids) {
      this.warnOnce('gpu:pids', 'the GPU driver lists processes by pids that cannot be seen here (host pids in a container): no job/gpu_memory_bytes');
    }
    return values;
  }

  /** What the OOM killer did to the job, and the GPU errors the kernel logged, since `sinceUs` on the kernel log's clock. */
  oomEvidence(sinceUs: number): { oom: OomEvidence; kernel?: KernelFindings } | undefined {
    if (this.cgroup === undefined || this.job === undefined) return undefined;
    return this.cgroup.oomEvidence(this.job.everSeen, sinceUs, this.peakRssBytes, { readLogAnyway: this.gpu?.name === 'nvml' });
  }

  /** The GPU source's name (`nvml`, `nvidia-smi`, ...), when one is open. */
  get gpuSourceName(): string | undefined {
    return this.gpu?.name;
  }

  /** Releases NVML and the files kept open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.gpuReady;
    this.gpu?.close();
    this.gpu = undefined;
    if (this.machine instanceof LinuxMachineProbe) this.machine.close();
    this.job?.close();
    this.cgroup?.close();
  }

  private energyValues(values: readonly SampleValue[], coveredMs: number): SampleValue[] {
    if (this.rapl?.available) return [{ name: 'system/cpu_energy_joules', value: this.rapl.read() }];
    if (this.cpuWatts === undefined) return [];
    // No RAPL: the user's figure for the packages' power at full load, times the machine's CPU use, times the time covered.
    const busy = values.find((value) => value.name === 'system/cpu_percent')?.value;
    if (busy === undefined) return [];
    this.cpuEstimate = (this.cpuEstimate ?? 0) + (this.cpuWatts * (busy / 100) * coveredMs) / 1000;
    return [{ name: 'system/cpu_estimated_energy_joules', value: this.cpuEstimate }];
  }

  private jobProcesses() {
    if (this.rootPid === undefined || this.job === undefined) return undefined;
    const pids = new Set(this.jobPids);
    let aliases: Set<number> | undefined;
    const procDir = this.options.procDir ?? '/proc';
    return {
      pids,
      isJobElsewhere: (pid: number) => {
        aliases ??= this.namespaces.aliasesOf(pids);
        return aliases.has(pid);
      },
      isVisible: (pid: number) => fs.existsSync(`${procDir}/${pid}`),
    };
  }
}
