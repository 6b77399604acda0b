// The package's entry: `import { startRun, Context } from 'runmeter'`.

export { type ExportFormat, exporters, exportRun } from './export/index.js';
export {
  achievedThroughput,
  type BatchLike,
  type CountOptions,
  countFlops,
  type DatasetLike,
  type FlopsReport,
  flopsPerBatch,
  flopsPerEpoch,
  loadModel,
  type Throughput,
} from './flops/index.js';
export { type GpuPeak, gpuPeaks, peakTflops } from './model/gpu-peaks.js';
export { createSystemSampler, type SamplerOptions, type SystemSampler } from './sample/index.js';
export * from './sdk/index.js';
export { openStore } from './store/open.js';
export type { Store } from './store/store.js';
