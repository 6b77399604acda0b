import { createSystemSampler, type SystemSampler } from '../sample/index.js';
import type { RunPoints } from './run-points.js';

/** The shortest window whose means are measured: CPU time advances in 10 ms ticks, and readings take a few ms. */
const MIN_WINDOW_MS = 250;

/** The system sampler behind logSystemMetrics, started on first use so that runs that never ask pay nothing. */
export class SystemMetrics {
  private sampler: SystemSampler | undefined;
  private last: { means: Record<string, number>; atMs: number } | undefined;

  /** `jobPid`: the process (with its children) whose usage is the `job/...` series. */
  /** `gpm`: whether to read NVML's GPM metrics, which a GPU serves to one client at a time. */
  constructor(
    private readonly jobPid: number = process.pid,
    private readonly gpm = true,
    private readonly warn: (message: string) => void = (message) => process.emitWarning(message, 'RunmeterWarning'),
  ) {}

  /** The means of the machine's, this process's and the GPUs' metrics since the previous call, by series name. */
  async sinceLastCall(): Promise<Record<string, number>> {
    const sampler = this.start();
    // A window of a few ms holds no CPU tick to measure (0%, or no value at all): a call that soon after the last one
    // gets the last window's means again, until enough time has passed to measure a new one.
    if (this.last !== undefined && performance.now() - this.last.atMs < MIN_WINDOW_MS) return this.last.means;
    const means = await sampler.sinceLastCall();
    this.last = { means, atMs: performance.now() };
    return means;
  }

  /** Starts sampling now, so that the first call's means cover the time since (otherwise it starts on the first call). */
  start(): SystemSampler {
    if (this.sampler === undefined) {
      this.sampler = createSystemSampler({
        rootPid: this.jobPid,
        diskPaths: [process.cwd()],
        gpm: this.gpm,
        warn: this.warn,
      });
      this.sampler.start();
    }
    return this.sampler;
  }

  /** Stops the sampler's timer and releases what it holds. */
  async stop(): Promise<void> {
    const sampler = this.sampler;
    this.sampler = undefined;
    await sampler?.stop();
  }
}

/** Records system means (by series name) at `context` and `step`: `job/...`, `gpu/...` and `system/...` series. */
export function recordMeans(points: RunPoints, means: Record<string, number>, context: string, step: number): Promise<void> {
  const time = Date.now();
  let written: Promise<void> | undefined;
  for (const [name, value] of Object.entries(means)) {
    const kind = name.startsWith('job/') ? 'job' : name.startsWith('gpu/') ? 'gpu' : 'system';
    points.series(kind, name, context).push(time, step, Number.NaN, value);
    written = points.added();
  }
  return written ?? Promise.resolve();
}
