import { countFlops, type ModelInput } from '../flops/index.js';
import { Context } from '../model/context.js';
import { RunmeterError, UsageError } from '../model/errors.js';
import type { FlopsOptions } from './options.js';
import type { RunPoints } from './run-points.js';
import { checkOptions, checkPositiveInteger, describe } from './validate.js';

/** What runmeter could find out about a model: its parameter count and forward-pass FLOPs at a batch size. */
export interface ModelFacts {
  params?: number;
  flops?: number;
  macs?: number;
  format?: string;
  /** Why FLOPs could not be counted, when they could not. */
  problem?: string;
}

/** A count's FLOPs, and its warnings (operators without a rule, shapes that could not be known: then a lower bound). */
export interface CountedFlops {
  flops: number;
  warnings: string[];
}

/** Runs a FLOPs count, naming the SDK call in its errors. */
function counted(call: string, count: () => CountedFlops): CountedFlops {
  try {
    return count();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${call}: ${error.message}`, { cause: error });
    if (error instanceof RunmeterError) throw new RunmeterError(error.code, `${call}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Whether a count includes the backward pass: as the options say, else only in the training context. */
export function countsBackward(call: string, context: string, options: FlopsOptions | undefined): boolean {
  const training = checkOptions(call, options, '{ training }')?.training;
  if (training !== undefined && typeof training !== 'boolean') {
    throw new UsageError(`${call}: expected options.training to be true or false, got ${describe(training)}`);
  }
  return training ?? context === Context.TRAINING;
}

/** A model as the FLOPs counter takes it; anything else is refused before the counter sees it. */
function checkModel(call: string, model: unknown): object | string {
  const ok = (typeof model === 'string' && model !== '') || (typeof model === 'object' && model !== null && !Array.isArray(model));
  if (!ok) {
    throw new UsageError(`${call}: expected the model to be a path, ONNX bytes, a TF.js model.json or a tf.LayersModel, got ${describe(model)}`);
  }
  return model as object | string;
}

/** A batch: its size, or a tensor (anything with a `shape`) whose first dim is the size. */
function checkBatch(call: string, batch: unknown): number {
  if (typeof batch === 'number') return checkPositiveInteger(call, 'the batch size', batch);
  const shape = typeof batch === 'object' && batch !== null ? (batch as { shape?: unknown }).shape : undefined;
  const size = Array.isArray(shape) ? (shape[0] as unknown) : undefined;
  if (typeof size === 'number' && Number.isInteger(size) && size > 0) return size;
  const found = Array.isArray(shape) ? `a tensor of shape [${shape.join(', ')}]` : describe(batch);
  throw new UsageError(`${call}: expected the batch to be a positive integer or a tensor with a batch dim, got ${found}`);
}

/** A dataset: its number of samples, or an object with `length` (arrays) or `size` (tf.data, Sets, Maps). */
function checkDataset(call: string, dataset: unknown): number {
  if (typeof dataset === 'number') return checkPositiveInteger(call, 'the dataset size', dataset);
  if (typeof dataset !== 'object' || dataset === null) {
    throw new UsageError(`${call}: expected the dataset to be a number of samples or an object with a length or size, got ${describe(dataset)}`);
  }
  const field = 'length' in dataset ? 'length' : 'size' in dataset ? 'size' : undefined;
  if (field === undefined) throw new UsageError(`${call}: expected the dataset to have a length or a size, got an object with neither`);
  return checkPositiveInteger(call, `the dataset's ${field}`, (dataset as Record<string, unknown>)[field]);
}

/** FLOPs of one batch in a context. The model's parse and count are cached, so calling this every step is cheap. */
export function batchFlops(call: string, model: unknown, batch: unknown, training: boolean): CountedFlops {
  const checkedModel = checkModel(call, model) as ModelInput | string;
  const size = checkBatch(call, batch);
  return counted(call, () => {
    const report = countFlops(checkedModel, { batch: size, training });
    return { flops: report.flops, warnings: report.warnings };
  });
}

/** FLOPs of one epoch over a dataset in a context: per-sample FLOPs × samples. */
export function epochFlops(call: string, model: unknown, dataset: unknown, training: boolean): CountedFlops {
  const checkedModel = checkModel(call, model) as ModelInput | string;
  const samples = checkDataset(call, dataset);
  return counted(call, () => {
    const report = countFlops(checkedModel, { batch: 1, training });
    return { flops: report.flops * samples, warnings: report.warnings };
  });
}

/** Params and forward FLOPs of a model file or object at a batch size, as far as they can be counted. */
export function modelFacts(model: unknown, batch: number): ModelFacts {
  try {
    const report = countFlops(model as object | string, { batch });
    return { params: report.params, flops: report.flops, macs: report.macs, format: report.format };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** A run's FLOPs series: each call's count, and the running total per label, batch or epoch, and context. */
export class FlopsSeries {
  private readonly totals = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly points: RunPoints,
    private readonly warn: (message: string) => void,
  ) {}

  record(label: string, per: 'batch' | 'epoch', counted: CountedFlops, context: string, step: number): Promise<void> {
    // A graph the counter could not count whole (an operator without a rule, as torch.export writes an FFT: DFT) is
    // still recorded, as a lower bound, and said once per label and problem: a silent 0 would read as a free model.
    for (const warning of counted.warnings) {
      const said = `${label}\u0000${warning}`;
      if (this.warned.has(said)) continue;
      this.warned.add(said);
      this.warn(`FLOPs of '${label}': ${warning}`);
    }
    const flops = counted.flops;
    const key = `${label}\u0000${per}\u0000${context}`;
    const sum = (this.totals.get(key) ?? 0) + flops;
    this.totals.set(key, sum);
    const time = Date.now();
    this.points.series('flops', `flops/${label}/${per}`, context).push(time, step, Number.NaN, flops);
    this.points.added();
    this.points.series('flops', `flops/${label}/${per}_total`, context).push(time, step, Number.NaN, sum);
    return this.points.added();
  }
}
