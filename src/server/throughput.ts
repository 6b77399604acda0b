import { achievedThroughput, findGpuPeak, normalizePeakDtype, type PeakDtype } from '../model/gpu-peaks.js';
import type { Run } from '../model/run.js';
import type { SeriesSummary } from '../store/store.js';

/** Achieved FLOP/s of one FLOPs label, from its running-total series, and its MFU where the GPU's peak is known. */
export interface FlopsThroughput {
  /** The label given to log_flops_per_batch / per_epoch. */
  label: string;
  per: 'batch' | 'epoch';
  /** FLOPs counted in all. */
  totalFlops: number;
  /** Between the first and last call, in ms. */
  durationMs: number;
  /** FLOPs done between the first and last call, per second; absent with fewer than two calls. */
  flopsPerSecond?: number;
  /** Model FLOPs utilization: flopsPerSecond over the peak of all the run's GPUs, at `dtype`. */
  mfu?: number;
  peak?: { gpuModel: string; gpus: number; dtype: PeakDtype; flopsPerSecond: number; source: string };
}

/** The data type to compare against: the run's `dtype` or `precision` param when it names one, else bf16. */
function runDtype(run: Run): PeakDtype {
  for (const key of ['dtype', 'precision']) {
    const value = run.params[key];
    const dtype = typeof value === 'string' ? normalizePeakDtype(value) : undefined;
    if (dtype) return dtype;
  }
  return 'bf16';
}

/**
 * Achieved throughput per FLOPs label: the growth of its running total (`flops/<label>/<per>_total`) between the
 * first and the last call, over the time between them. The first call's FLOPs ran before the clock started, so
 * they are left out of the rate.
 */
export function flopsThroughput(run: Run, series: SeriesSummary[]): FlopsThroughput[] {
  const gpus = run.system?.gpus ?? [];
  const gpuName = gpus[0]?.name;
  const results: FlopsThroughput[] = [];
  for (const s of series) {
    const match = s.kind === 'flops' ? /^flops\/(.+)\/(batch|epoch)_total$/.exec(s.name) : null;
    if (!match || s.min === null || !Number.isFinite(s.last)) continue;
    const durationMs = s.lastTime - s.firstTime;
    const result: FlopsThroughput = { label: match[1] as string, per: match[2] as 'batch' | 'epoch', totalFlops: s.last, durationMs };
    if (s.count >= 2 && durationMs > 0) {
      const achieved = achievedThroughput(s.last - s.min, durationMs / 1000, gpuName, runDtype(run), gpus.length);
      result.flopsPerSecond = achieved.tflops * 1e12;
      if (achieved.mfu !== undefined && achieved.gpuModel && achieved.dtype && achieved.peakTflops !== undefined && gpuName) {
        result.mfu = achieved.mfu;
        const source = findGpuPeak(gpuName)?.source ?? '';
        result.peak = {
          gpuModel: achieved.gpuModel,
          gpus: gpus.length,
          dtype: achieved.dtype,
          flopsPerSecond: achieved.peakTflops * 1e12 * gpus.length,
          source,
        };
      }
    }
    results.push(result);
  }
  return results;
}
