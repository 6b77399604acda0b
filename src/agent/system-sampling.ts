import type { SeriesPoint } from '../model/point.js';
import type { SystemSampler } from '../sample/types.js';

export interface SamplingOptions {
  pid: number;
  diskPaths: string[];
  sampleIntervalMs: number;
  reportIntervalMs: number;
  env: NodeJS.ProcessEnv;
}

/** Samples system metrics for the job and reports them every interval, at start, and once more at `finish`. */
export async function startSampling(
  options: SamplingOptions,
  send: (points: SeriesPoint[]) => void,
  warn: (message: string) => void,
): Promise<{ finish(time: number): Promise<void> } | undefined> {
  let sampler: SystemSampler;
  try {
    const { createSystemSampler } = await import('../sample/index.js');
    sampler = createSystemSampler({ rootPid: options.pid, diskPaths: options.diskPaths, sampleIntervalMs: options.sampleIntervalMs, env: options.env, warn });
    sampler.start();
  } catch (error) {
    warn(`system metrics are off for this run (${(error as Error).message})`);
    return undefined;
  }
  const report = (time: number) => {
    try {
      const points = sampler.report(time);
      if (points.length > 0) send(points);
    } catch (error) {
      warn(`system metrics: ${(error as Error).message}`);
    }
  };
  const first = sampler.sampleNow().then(
    () => report(Date.now()),
    (error: Error) => warn(`system metrics: ${error.message}`),
  );
  const timer = setInterval(() => report(Date.now()), options.reportIntervalMs);
  return {
    async finish(time: number) {
      clearInterval(timer);
      await first;
      await sampler.sampleNow().catch(() => {});
      report(time);
      await sampler.stop().catch(() => {});
    },
  };
}
