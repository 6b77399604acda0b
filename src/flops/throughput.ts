import { findGpuPeak, normalizePeakDtype, type PeakDtype } from '../model/gpu-peaks.js';

/** Achieved throughput of a run, and its model FLOPs utilization where the GPU is in the peak table. */
export interface Throughput {
  /** Achieved TFLOP/s: model FLOPs over seconds. */
  tflops: number;
  /** The GPU row and peak used, when known. */
  gpuModel?: string;
  dtype?: PeakDtype;
  peakTflops?: number;
  /** tflops / (peak × gpus), between 0 and 1 for honest inputs. */
  mfu?: number;
}

/** Achieved TFLOP/s for `flops` done in `seconds`, and MFU against `gpus` GPUs named `gpuName` at `dtype` (default bf16). */
export function achievedThroughput(flops: number, seconds: number, gpuName?: string, dtype = 'bf16', gpus = 1): Throughput {
  const tflops = seconds > 0 && Number.isFinite(flops) ? flops / seconds / 1e12 : Number.NaN;
  const result: Throughput = { tflops };
  if (gpuName === undefined) return result;
  const row = findGpuPeak(gpuName);
  const key = normalizePeakDtype(dtype);
  const peak = key === undefined ? undefined : row?.tflops[key];
  if (row === undefined || key === undefined || peak === undefined) return result;
  return { ...result, gpuModel: row.model, dtype: key, peakTflops: peak, mfu: tflops / (peak * Math.max(gpus, 1)) };
}
