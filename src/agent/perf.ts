import { contextFromName } from '../model/context.js';
import { findGpuPeak, normalizePeakDtype } from '../model/gpu-peaks.js';
import type { ParsedMetric } from '../model/point.js';
import type { MachineInfo } from '../model/run.js';
import type { SeriesKey } from '../model/series.js';

// Achieved TFLOP/s and MFU of a run started with `runmeter run --model`: the CLI counts the model's FLOPs per step and
// passes them in; this file turns the steps the parsers find (or the step times and throughputs the job prints) into rates.

/** What the CLI tells the agent about the model a run trains (`run --model`). */
export interface PerfConfig {
  /** The model's label: series `flops/<label>/batch`. */
  label: string;
  /** FLOPs of one training step (forward + backward) at the run's batch size. */
  flopsPerStep: number;
  /** Samples one step processes (`--batch-size`), for a printed samples/s. */
  samplesPerStep: number;
  /** Tokens one step processes, when the model's input says (a [batch, sequence] input), for a printed tokens/s. */
  tokensPerStep?: number;
  /** The data type to take the GPU's peak at (`--dtype`, default bf16). */
  dtype: string;
}

/** Where the meter's points go: the recorder's `point`. */
export type PointWriter = (series: SeriesKey, time: number, step: number | undefined, epoch: number | undefined, value: number) => void;

/** The shortest stretch of arrivals one rate is measured over: shorter ones are mostly the output's own jitter. */
const WINDOW_MS = 1000;
/** Rates kept until the machine's GPUs are known, to give them an MFU then. */
const MAX_WAITING = 1000;

/** Names of a printed time per step: unitless values are seconds. */
const STEP_TIME = /^(step|iter|iteration|batch|train_step)_?(time|duration)(_s|_sec|_seconds|_ms)?$/;
/** Names of a printed time that need a unit (ms or s) to be read as a time per step (nanoGPT's `time 120.5ms`). */
const UNITED_TIME = /^(time|dt)$/;
const SAMPLES_RATE = /(^|_)samples?_per_s(ec(ond)?)?$|^(sps|samples\/s)$/;
const TOKENS_RATE = /(^|_)tok(en)?s?_per_s(ec(ond)?)?$|^(tps|wps)$/;

/** Seconds per step from a printed time, or undefined when the metric is not one. */
export function printedStepSeconds(metric: Pick<ParsedMetric, 'name' | 'value' | 'unit'>): number | undefined {
  const name = metric.name.toLowerCase();
  const unit = metric.unit?.toLowerCase() ?? (name.endsWith('_ms') ? 'ms' : undefined);
  if (!STEP_TIME.test(name) && !(UNITED_TIME.test(name) && unit !== undefined)) return undefined;
  const seconds = unit === 'ms' ? metric.value / 1000 : unit === undefined || unit === 's' || unit === 'sec' ? metric.value : undefined;
  return seconds !== undefined && seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
}

/** Achieved FLOP/s from a printed samples/s or tokens/s, or undefined when the metric is not one (or its size is unknown). */
export function printedFlopsPerSecond(metric: Pick<ParsedMetric, 'name' | 'value' | 'unit'>, config: PerfConfig): number | undefined {
  const name = metric.name.toLowerCase();
  const unit = metric.unit?.toLowerCase();
  let perSecond: number | undefined;
  if (SAMPLES_RATE.test(name) || unit === 'samples/s') perSecond = (metric.value * config.flopsPerStep) / config.samplesPerStep;
  else if ((TOKENS_RATE.test(name) || unit === 'tok/s') && config.tokensPerStep !== undefined) {
    perSecond = (metric.value * config.flopsPerStep) / config.tokensPerStep;
  }
  return perSecond !== undefined && perSecond > 0 && Number.isFinite(perSecond) ? perSecond : undefined;
}

/** MFU in percent: achieved TFLOP/s over the peak of `gpus` GPUs of this name at `dtype`; undefined off the peak table. */
export function mfuPercent(tflops: number, gpuName: string, dtype: string, gpus = 1): number | undefined {
  const key = normalizePeakDtype(dtype);
  const peak = key === undefined ? undefined : findGpuPeak(gpuName)?.tflops[key];
  return peak === undefined ? undefined : (100 * tflops) / (peak * Math.max(gpus, 1));
}

const achievedKey: SeriesKey = { name: 'perf/achieved_tflops', kind: 'flops', unit: 'TFLOP/s' };
const mfuKey: SeriesKey = { name: 'perf/mfu_percent', kind: 'flops', unit: '%' };

interface Rate {
  time: number;
  step: number | undefined;
  epoch: number | undefined;
  tflops: number;
}

/**
 * Measures a run's achieved TFLOP/s from its training steps: over windows of at least a second of parsed step numbers
 * and their arrival times (steps printed every k steps count k each), or from each printed step time or throughput
 * (the job's own clock is better than arrival times, so once one is seen, arrivals are no longer used).
 */
export class PerfMeter {
  private windowStep: number | undefined;
  private windowTime = 0;
  private lastStep: number | undefined;
  private printed = false;
  /** MFU needs the GPU: undefined until the machine is described, then a function or null (no GPU in the table). */
  private mfu: ((tflops: number) => number | undefined) | null | undefined;
  private waiting: Rate[] = [];

  constructor(
    private readonly config: PerfConfig,
    private readonly write: PointWriter,
  ) {}

  /** Records the model's FLOPs per batch with the run, as the SDK's log_flops_per_batch does. */
  start(time: number): void {
    this.write({ name: `flops/${this.config.label}/batch`, kind: 'flops', context: 'training' }, time, undefined, undefined, this.config.flopsPerStep);
  }

  /** The machine's description: its first GPU sets the peak, over all the GPUs the job sees. */
  machine(system: MachineInfo): void {
    const gpu = system.gpus[0]?.name;
    const count = system.gpus.length;
    const dtype = this.config.dtype;
    this.mfu = gpu !== undefined && mfuPercent(1, gpu, dtype, count) !== undefined ? (tflops) => mfuPercent(tflops, gpu, dtype, count) : null;
    for (const rate of this.waiting) this.writeMfu(rate);
    this.waiting = [];
  }

  /** A parsed training metric, at the time its line arrived. */
  metric(metric: ParsedMetric, time: number): void {
    if ((metric.rank ?? 0) !== 0 || (metric.context ?? contextFromName(metric.name)) !== 'training') return;
    const seconds = printedStepSeconds(metric);
    const perSecond = seconds !== undefined ? this.config.flopsPerStep / seconds : printedFlopsPerSecond(metric, this.config);
    if (perSecond !== undefined) {
      this.printed = true;
      this.rate({ time, step: metric.step, epoch: metric.epoch, tflops: perSecond / 1e12 });
      return;
    }
    if (metric.step !== undefined) this.stepArrived(metric.step, metric.epoch, time);
  }

  private stepArrived(step: number, epoch: number | undefined, time: number): void {
    const last = this.lastStep;
    if (last !== undefined && step === last) return;
    this.lastStep = step;
    // A first step, or steps counted again from the start (per epoch): the window starts here.
    if (this.windowStep === undefined || last === undefined || step < last) {
      this.windowStep = step;
      this.windowTime = time;
      return;
    }
    const elapsed = time - this.windowTime;
    if (elapsed < WINDOW_MS || this.printed) return;
    const flops = (step - this.windowStep) * this.config.flopsPerStep;
    this.rate({ time, step, epoch, tflops: flops / (elapsed / 1000) / 1e12 });
    this.windowStep = step;
    this.windowTime = time;
  }

  private rate(rate: Rate): void {
    if (!Number.isFinite(rate.tflops) || rate.tflops <= 0) return;
    this.write(achievedKey, rate.time, rate.step, rate.epoch, rate.tflops);
    if (this.mfu === undefined) {
      if (this.waiting.length < MAX_WAITING) this.waiting.push(rate);
    } else this.writeMfu(rate);
  }

  private writeMfu(rate: Rate): void {
    const percent = this.mfu?.(rate.tflops);
    if (percent !== undefined) this.write(mfuKey, rate.time, rate.step, rate.epoch, percent);
  }
}
