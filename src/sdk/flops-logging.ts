import { type BatchLike, countFlops, type DatasetLike, flopsPerBatch, flopsPerEpoch } from '../flops/index.js';
import { Context } from '../model/context.js';
import { RunmeterError, UsageError } from '../model/errors.js';

/** What runmeter could find out about a model: its parameter count and forward-pass FLOPs at a batch size. */
export interface ModelFacts {
  params?: number;
  flops?: number;
  macs?: number;
  format?: string;
  /** Why FLOPs could not be counted, when they could not. */
  problem?: string;
}

/** Runs a FLOPs count, naming the SDK call in its errors. */
function counted(call: string, count: () => number): number {
  try {
    return count();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${call}: ${error.message}`, { cause: error });
    if (error instanceof RunmeterError) throw new RunmeterError(error.code, `${call}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Training counts the backward pass too (≈ 3 × forward); validation, testing and evaluation only run forward. */
const training = (context: string) => context === Context.TRAINING;

/** FLOPs of one batch in a context. The model's parse and count are cached, so calling this every step is cheap. */
export function batchFlops(call: string, model: unknown, batch: BatchLike, context: string): number {
  return counted(call, () => flopsPerBatch(model as object, batch, { training: training(context) }));
}

/** FLOPs of one epoch over a dataset in a context: per-sample FLOPs × samples. */
export function epochFlops(call: string, model: unknown, dataset: DatasetLike, context: string): number {
  return counted(call, () => flopsPerEpoch(model as object, dataset, { training: training(context) }));
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
