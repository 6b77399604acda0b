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
  /** Samples one step processes (the batch size), for a printed samples/s. */
  samplesPerBatch?: number;
  /** Tokens one step processes, where the model has a [batch, sequence] input, for a printed tokens/s. */
  tokensPerBatch?: number;
}

/** How long a window of steps lasts at least before its achieved TFLOP/s is recorded. */
const WINDOW_MS = 2000;

type Record = (key: SeriesKey, time: number, step: number, epoch: number | undefined, value: number) => void;

/**
 * Tells which printed step numbers are new training steps, and how many steps they finish. Step numbers often start
 * again every epoch (Keras, Lightning's batch_idx, hand-written loops): a new (epoch, step) pair is a new step, and
 * without an epoch a step lower than the last starts a new pass. The first step line says which lines count steps,
 * those with an epoch or those without: a line of the other kind (an epoch summary, `{"epoch": 2, "acc": 0.9}`, whose
 * step is its epoch, among step lines) may carry the count on, never start a new pass. Lines from other ranks than
 * the first that printed a step are left out, so ranks printing out of order never look like new passes.
 */
export class TrainingSteps {
  /** Steps finished so far, counting the steps a pass skipped printing (a job printing every 10th step). */
  done = 0;
  /** Printed steps counted as new. */
  printed = 0;
  private firstStep: number | undefined;
  private lastStep = 0;
  private lastEpoch: number | undefined;
  private rank: number | undefined;
  /** Whether the lines that count steps carry an epoch (decided by the first step line). */
  private withEpochs = false;

  /** The steps `step` finishes (0 when it is not a new step: a line repeating the last step, or another rank's). */
  next(step: number, epoch?: number, rank?: number): number {
    if (!Number.isFinite(step)) return 0;
    if (this.rank === undefined) this.rank = rank ?? 0;
    else if ((rank ?? 0) !== this.rank) return 0;
    let finished: number;
    if (this.firstStep === undefined) {
      this.firstStep = step;
      this.withEpochs = epoch !== undefined;
      finished = 1;
    } else if ((epoch !== undefined) !== this.withEpochs) {
      if (step <= this.lastStep) return 0; // the other kind of line: it never starts a pass
      finished = step - this.lastStep;
    } else {
      const newEpoch = epoch !== undefined && this.lastEpoch !== undefined && epoch !== this.lastEpoch;
      if (step > this.lastStep)
        finished = step - this.lastStep; // the same pass, going on
      else if (step < this.lastStep || newEpoch)
        finished = Math.max(1, step - this.firstStep + 1); // a new pass
      else return 0;
      if (epoch !== undefined) this.lastEpoch = epoch;
    }
    this.lastStep = step;
    this.done += finished;
    this.printed++;
    return finished;
  }
}

/** Names of a printed time per step: unitless values are seconds. */
const STEP_TIME = /^(step|iter|iteration|batch|train_step)_?(time|duration)(_s|_sec|_seconds|_ms)?$/;
/** Names that are a time per step only with a unit (nanoGPT's `time 120.53ms`): a unitless `time` may be a clock. */
const UNITED_TIME = /^(time|dt)$/;
const SAMPLES_RATE = /(^|_)samples?_per_s(ec(ond)?)?$|^sps$/;
const TOKENS_RATE = /(^|_)tok(en)?s?_per_s(ec(ond)?)?$|^(tps|wps)$/;

/** A printed metric, as StepFlops reads it for a step time or a throughput. */
export interface PrintedMetric {
  name: string;
  value: number;
  unit?: string;
  step?: number;
  epoch?: number;
  rank?: number;
}

/** Seconds per step from a printed time (`step_time 0.25`, `time 120.5ms`), or undefined when the metric is not one. */
export function printedStepSeconds(metric: PrintedMetric): number | undefined {
  const name = metric.name.toLowerCase();
  const unit = metric.unit?.toLowerCase() ?? (name.endsWith('_ms') ? 'ms' : undefined);
  if (!STEP_TIME.test(name) && !(UNITED_TIME.test(name) && unit !== undefined)) return undefined;
  const seconds = unit === 'ms' ? metric.value / 1000 : unit === undefined || unit === 's' || unit === 'sec' ? metric.value : undefined;
  return seconds !== undefined && seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
}

/** FLOP/s from a printed time per step, samples/s or tokens/s, or undefined when the metric is none (or its size is unknown). */
export function printedFlopsPerSecond(metric: PrintedMetric, model: RunModel): number | undefined {
  const name = metric.name.toLowerCase();
  const unit = metric.unit?.toLowerCase();
  const seconds = printedStepSeconds(metric);
  let perSecond: number | undefined;
  if (seconds !== undefined) perSecond = model.flopsPerBatch / seconds;
  else if ((SAMPLES_RATE.test(name) || unit === 'samples/s') && model.samplesPerBatch !== undefined) {
    perSecond = (metric.value * model.flopsPerBatch) / model.samplesPerBatch;
  } else if ((TOKENS_RATE.test(name) || unit === 'tok/s') && model.tokensPerBatch !== undefined) {
    perSecond = (metric.value * model.flopsPerBatch) / model.tokensPerBatch;
  }
  return perSecond !== undefined && perSecond > 0 && Number.isFinite(perSecond) ? perSecond : undefined;
}

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
  private readonly steps = new TrainingSteps();
  private lastStep: number | undefined;
  /** Where the current window of arrivals began: steps done then, and when. */
  private window: { done: number; time: number } | undefined;
  private gpu: { name: string; count: number } | undefined;
  /** Whether the job prints its own step time or throughput: then arrival times are no longer used. */
  private printedRates = false;

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

  /**
   * A step number the job printed, at `time`: counted when it is a new step (see TrainingSteps), so a line repeating
   * the step (several metrics, a validation line) is not counted again, and steps that start again each epoch are.
   */
  step(step: number, time: number, epoch?: number, rank?: number): void {
    if (this.steps.next(step, epoch, rank) === 0) return;
    this.lastStep = step;
    const flops = this.model.flopsPerBatch;
    this.record(this.batch, time, step, epoch, flops);
    this.record(this.total, time, step, epoch, this.steps.done * flops);
    if (this.window === undefined) {
      this.window = { done: this.steps.done, time };
      return;
    }
    const elapsed = time - this.window.time;
    if (elapsed < WINDOW_MS || this.printedRates) return;
    this.achieved((this.steps.done - this.window.done) * flops, elapsed / 1000, time, step, epoch);
    this.window = { done: this.steps.done, time };
  }

  /**
   * A training metric the job printed: a time per step or a throughput (samples/s, tokens/s) gives the achieved
   * TFLOP/s at once, by the job's own clock, which leaves out the pipe's delays; arrival windows stop from then on.
   */
  printed(metric: PrintedMetric, time: number): void {
    if ((metric.rank ?? 0) !== 0) return;
    const perSecond = printedFlopsPerSecond(metric, this.model);
    if (perSecond === undefined) return;
    this.printedRates = true;
    this.achieved(perSecond, 1, time, metric.step ?? this.lastStep ?? 0, metric.epoch);
  }

  private achieved(flops: number, seconds: number, time: number, step: number, epoch: number | undefined): void {
    const achieved = achievedThroughput(flops, seconds, this.gpu?.name, this.model.dtype, this.gpu?.count ?? 1);
    this.record(this.tflops, time, step, epoch, achieved.tflops);
    if (achieved.mfu !== undefined) this.record(this.mfu, time, step, epoch, achieved.mfu * 100);
  }
}
