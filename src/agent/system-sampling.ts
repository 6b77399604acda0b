import type { SeriesPoint } from '../model/point.js';
import type { SamplerEnd } from '../sample/types.js';

export interface SamplingOptions {
  pid: number;
  diskPaths: string[];
  sampleIntervalMs: number;
  reportIntervalMs: number;
  env: NodeJS.ProcessEnv;
  /** When the job started: the first report window opens there. */
  startTime: number;
}

/**
 * Samples system metrics for the job: the sampler reports each window since the previous one, stamped at its end,
 * and one last window up to the job's exit at `finish`, which also says what the sampler saw of the end (the OOM
 * killer, GPU errors, energy).
 */
export async function startSampling(
  options: SamplingOptions,
  send: (points: SeriesPoint[]) => void,
  warn: (message: string) => void,
): Promise<{ finish(time: number): Promise<SamplerEnd | undefined> } | undefined> {
  try {
    const { createSystemSampler } = await import('../sample/index.js');
    const sampler = createSystemSampler({
      rootPid: options.pid,
      diskPaths: options.diskPaths,
      sampleIntervalMs: options.sampleIntervalMs,
      reportIntervalMs: options.reportIntervalMs,
      env: options.env,
      warn,
      onReport: (points) => {
        if (points.length > 0) send(points);
      },
    });
    sampler.start(options.startTime);
    return {
      finish: (time: number) =>
        sampler.finish(time).catch((error: Error) => {
          warn(`system metrics: ${error.message}`);
          return undefined;
        }),
    };
  } catch (error) {
    warn(`system metrics are off for this run (${(error as Error).message})`);
    return undefined;
  }
}
