import { achievedThroughput } from '../model/gpu-peaks.js';
import type { SeriesKey } from '../model/series.js';

/** The model `runmeter run --model` counted at start: the FLOPs of one training step (one batch). */
export interface RunModel {
  /** The series' label: `flops/<label>/batch`. */
  label: string;
  /** FLOPs of one step: 3 × the forward pass at the batch size (forward and backward). */
  flopsPerBatch: number;
  /** The data type the job computes in, for MFU against the GPU's peak (default bf16). */
  dtype: string;
}

/** How long a window of steps lasts at least before its achieved TFLOP/s is recorded. */
const WINDOW_MS = 2000;

type Record = (key: SeriesKey, time: number, step: number, value: number) => void;

/**
 * FLOPs per step for a job whose model runmeter counted: at each new step the job prints, `flops/<label>/batch` and its
 * running total; every window of a few seconds, the achieved TFLOP/s over the steps done in it (`perf/achieved_tflops`)
 * and, on a GPU in the peak table, the model FLOPs utilization (`perf/mfu_percent`).
 */
export class StepFlops {
  private readonly batch: SeriesKey;
  private readonly total: SeriesKey;
  private readonly tflops: SeriesKey = { name: 'perf/achieved_tflops', kind: 'flops', context: 'training', unit: 'TFLOP/s' };
  private readonly mfu: SeriesKey = { name: 'perf/mfu_percent', kind: 'flops', context: 'training', unit: '%' };
  private firstStep: number | undefined;
  private lastStep = Number.NEGATIVE_INFINITY;
  private window: { step: number; time: number } | undefined;
  private gpu: { name: string; count: number } | undefined;

  constructor(
    private readonly model: RunModel,
    private readonly record: Record,
  ) {
    this.batch = { name: `flops/${model.label}/batch`, kind: 'flops', context: 'training' };
    this.total = { name: `flops/${model.label}/batch_total`, kind: 'flops', context: 'training' };
  }

  /** The machine's GPUs, once described: MFU is recorded against their peak from then on. */
  onGpus(name: string | undefined, count: number): void {
    this.gpu = name === undefined || count === 0 ? undefined : { name, count };
  }

  /** A step number the job printed, at `time`. Steps that do not move forward (a validation line) are not counted again. */
  step(step: number, time: number): void {
    if (!(step > this.lastStep)) return;
    this.lastStep = step;
    this.firstStep ??= step;
    const flops = this.model.flopsPerBatch;
    this.record(this.batch, time, step, flops);
    this.record(this.total, time, step, (step - this.firstStep + 1) * flops);
    if (this.window === undefined) {
      this.window = { step, time };
      return;
    }
    const elapsed = time - this.window.time;
    if (elapsed < WINDOW_MS) return;
    const done = (step - this.window.step) * flops;
    const achieved = achievedThroughput(done, elapsed / 1000, this.gpu?.name, this.model.dtype, this.gpu?.count ?? 1);
    this.record(this.tflops, time, step, achieved.tflops);
    if (achieved.mfu !== undefined) this.record(this.mfu, time, step, achieved.mfu * 100);
    this.window = { step, time };
  }
}
