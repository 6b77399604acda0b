import { createSystemSampler, type SystemSampler } from '../sample/index.js';

/** The system sampler behind logSystemMetrics, started on first use so that runs that never ask pay nothing. */
export class SystemMetrics {
  private sampler: SystemSampler | undefined;

  /** The means of the machine's, this process's and the GPUs' metrics since the previous call, by series name. */
  async sinceLastCall(): Promise<Record<string, number>> {
    if (this.sampler === undefined) {
      this.sampler = createSystemSampler({
        rootPid: process.pid,
        diskPaths: [process.cwd()],
        warn: (message) => process.emitWarning(message, 'RunmeterWarning'),
      });
      this.sampler.start();
    }
    await this.sampler.sampleNow();
    return this.sampler.sinceLastCall();
  }

  /** Stops the sampler's timer and releases what it holds. */
  async stop(): Promise<void> {
    const sampler = this.sampler;
    this.sampler = undefined;
    await sampler?.stop();
  }
}
