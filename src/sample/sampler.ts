import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SeriesPoint } from '../model/point.js';
import { SeriesAccumulator, toRecord, toSeriesPoints } from './accumulator.js';
import { DiskUsageProbe } from './disk-usage.js';
import { openGpuSource } from './gpu/open.js';
import { GpuSeries } from './gpu/series.js';
import type { GpuSource } from './gpu/types.js';
import { PortableMachineProbe } from './portable.js';
import { JobTreeProbe } from './procfs/job-tree.js';
import { LinuxMachineProbe } from './procfs/machine.js';
import { readKernelUnits } from './procfs/read-file.js';
import { minimumRateWindowMs, type SampleValue } from './reading.js';
import type { SamplerOptions, SystemSampler } from './types.js';

const isJobSeries = (name: string) => name.startsWith('job/');

/** Reads the machine, the job's process tree, its disks and GPUs; keeps one tally for reports and one for `sinceLastCall()`. */
export class Sampler implements SystemSampler {
  private readonly warned = new Set<string>();
  private readonly machine: LinuxMachineProbe | PortableMachineProbe;
  private readonly job: JobTreeProbe | undefined;
  private readonly disks: DiskUsageProbe;
  private readonly gpuSeries = new GpuSeries();
  private readonly gpuReady: Promise<void>;
  private gpu: GpuSource | undefined;
  // Once the job has exited its tree reads as nothing: the job's last values then go into the next report (the final one).
  private readonly forReports = new SeriesAccumulator(isJobSeries);
  private readonly forCalls = new SeriesAccumulator(isJobSeries);
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private baselineAt: number;
  private stopped = false;

  constructor(private readonly options: SamplerOptions) {
    const warnOnce = this.warnOnce.bind(this);
    this.intervalMs = options.sampleIntervalMs ?? 1000;
    const procDir = options.procDir ?? '/proc';
    if (fs.existsSync(`${procDir}/stat`)) {
      this.machine = new LinuxMachineProbe({ procDir, sysDir: options.sysDir ?? '/sys' }, warnOnce);
      this.job = new JobTreeProbe(procDir, readKernelUnits(procDir));
    } else {
      this.machine = new PortableMachineProbe();
      warnOnce(
        'platform',
        `system metrics on ${process.platform}: the machine's CPU, memory and disk space and the GPUs are recorded; the job's own processes, disk IO and network need Linux's /proc and are not`,
      );
    }
    this.disks = new DiskUsageProbe(options.diskPaths ?? [process.cwd()], warnOnce);
    this.gpuReady =
      options.gpu === false
        ? Promise.resolve()
        : openGpuSource({ env: options.env ?? process.env, nvmlLibrary: options.nvmlLibrary, warnOnce }).then(
            (source) => {
              if (this.stopped) source?.close();
              else this.gpu = source;
            },
            (error: Error) => warnOnce('gpu', `GPU metrics are off: ${error.message}`),
          );
    if (options.rootPid !== undefined) this.job?.setRoot(options.rootPid);
    // CPU percentages and rates are differences: this first reading is the baseline the next one is measured from.
    this.baselineAt = performance.now();
    this.machine.read(this.baselineAt);
    this.job?.read(this.baselineAt, undefined);
  }

  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => {
      // A slow tool (nvidia-smi) must not pile readings up.
      this.inFlight ??= this.sampleNow()
        .catch((error: Error) => this.warnOnce('sample', `system metrics: a reading failed: ${error.message}`))
        .finally(() => {
          this.inFlight = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async sampleNow(): Promise<void> {
    await this.gpuReady;
    await this.gpu?.refresh?.();
    // Right after the baseline, CPU percentages would be noise: wait until the window is long enough to measure.
    // (Timers may fire a fraction of a millisecond early: loop until the window is really there.)
    for (let wait = this.baselineAt + minimumRateWindowMs - performance.now(); wait > 0; wait = this.baselineAt + minimumRateWindowMs - performance.now()) {
      await sleep(Math.ceil(wait));
    }
    if (!this.stopped) this.takeReading();
  }

  report(time: number): SeriesPoint[] {
    if (this.forReports.empty && !this.stopped) this.takeReading();
    return toSeriesPoints(this.forReports.flush(), time);
  }

  sinceLastCall(): Record<string, number> {
    if (this.forCalls.empty && !this.stopped) this.takeReading();
    return toRecord(this.forCalls.flush());
  }

  setRootPid(pid: number): void {
    if (this.job === undefined) return;
    this.job.setRoot(pid);
    this.baselineAt = performance.now();
    this.job.read(this.baselineAt, undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.inFlight;
    await this.gpuReady;
    this.gpu?.close();
    this.gpu = undefined;
    if (this.machine instanceof LinuxMachineProbe) this.machine.close();
    this.job?.close();
  }

  private takeReading(): void {
    const now = performance.now();
    const values: SampleValue[] = [...this.machine.read(now), ...this.disks.read()];
    let jobPids: Set<number> | undefined;
    if (this.job !== undefined) {
      const memoryTotal = this.machine instanceof LinuxMachineProbe ? this.machine.memoryTotalBytes : undefined;
      const job = this.job.read(now, memoryTotal);
      values.push(...job.values);
      if (job.pids.length > 0) jobPids = new Set(job.pids);
    }
    if (this.gpu !== undefined) values.push(...this.gpuSeries.values(this.gpu.read(), jobPids));
    this.forReports.add(values);
    this.forCalls.add(values);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.warn?.(message);
  }
}
