import { UsageError } from '../model/errors.js';
import { fileStamp, loadModel } from './load.js';
import { type ModelInput, type ParsedModel, parseModel } from './model-source.js';
import { countOnnx } from './onnx/count.js';
import { countTfjs } from './tfjs/count.js';
import type { CountOptions, FlopsReport } from './types.js';

// The public counting functions. Parsed models and their reports are cached per model object (or path), so an
// SDK that calls flopsPerBatch on every step pays for the parse and the count once per batch size.

const parsedByObject = new WeakMap<object, ParsedModel>();
const parsedByPath = new Map<string, { stamp: string; parsed: ParsedModel }>();
const reports = new WeakMap<ParsedModel, Map<string, FlopsReport>>();
const reportsPerModel = 32;

function parsed(model: ModelInput | string): ParsedModel {
  if (typeof model === 'string') {
    const stamp = fileStamp(model);
    const cached = parsedByPath.get(model);
    if (cached !== undefined && cached.stamp === stamp) return cached.parsed;
    const fresh = parseModel(loadModel(model), model);
    parsedByPath.set(model, { stamp, parsed: fresh });
    return fresh;
  }
  const cached = parsedByObject.get(model);
  if (cached !== undefined) return cached;
  const fresh = parseModel(model);
  parsedByObject.set(model, fresh);
  return fresh;
}

/** Counts a model's MACs, FLOPs and parameters from its graph: ONNX bytes, a TF.js model.json or tf.LayersModel, or a path. The report may be shared by later calls: treat it as read-only. */
export function countFlops(model: ModelInput | string, options: CountOptions = {}): FlopsReport {
  if (options.batch !== undefined && !(Number.isInteger(options.batch) && options.batch > 0)) {
    throw new UsageError(`batch: expected a positive integer, got ${options.batch}`);
  }
  const parsedModel = parsed(model);
  const key = JSON.stringify([options.batch, options.inputs, options.training === true, options.perNode === true]);
  let cache = reports.get(parsedModel);
  const hit = cache?.get(key);
  if (hit !== undefined) return hit;
  const report = parsedModel.kind === 'onnx' ? countOnnx(parsedModel.graph, options) : countTfjs(parsedModel.topology, options);
  if (cache === undefined) {
    cache = new Map();
    reports.set(parsedModel, cache);
  }
  if (cache.size >= reportsPerModel) cache.delete(cache.keys().next().value as string);
  cache.set(key, report);
  return report;
}

/** A batch: its size, or a tensor (anything with a shape) whose first dim is the batch size. */
export type BatchLike = number | { shape: readonly number[] };

function batchSize(batch: BatchLike): number {
  const size = typeof batch === 'number' ? batch : batch.shape[0];
  if (size === undefined || !Number.isInteger(size) || size <= 0) {
    throw new UsageError(
      `batch: expected a positive integer or a tensor with a batch dim, got ${typeof batch === 'number' ? batch : `shape [${batch.shape}]`}`,
    );
  }
  return size;
}

/** Input dims with their leading (batch) dim set to `size`. */
function withBatch(inputs: Record<string, number[]> | undefined, size: number): Record<string, number[]> | undefined {
  if (inputs === undefined) return undefined;
  return Object.fromEntries(Object.entries(inputs).map(([name, dims]) => [name, [size, ...dims.slice(1)]]));
}

/** FLOPs of one batch at its actual size (prov4ml's log_flops_per_batch); with `training`, forward + backward. */
export function flopsPerBatch(model: ModelInput | string, batch: BatchLike, options: Omit<CountOptions, 'batch'> = {}): number {
  const size = batchSize(batch);
  const inputs = withBatch(options.inputs, size);
  return countFlops(model, { ...options, batch: size, ...(inputs ? { inputs } : {}) }).flops;
}

/** A dataset: its number of samples, or an object with `length` (arrays) or `size` (tf.data, Sets, Maps). */
export type DatasetLike = number | { length: number } | { size: number };

/** FLOPs of one pass over a dataset: per-sample FLOPs × samples (prov4ml's log_flops_per_epoch). */
export function flopsPerEpoch(model: ModelInput | string, dataset: DatasetLike, options: Omit<CountOptions, 'batch'> = {}): number {
  const samples = typeof dataset === 'number' ? dataset : 'length' in dataset ? dataset.length : dataset.size;
  if (typeof samples !== 'number' || !Number.isFinite(samples) || samples < 0) {
    throw new UsageError(`dataset size: expected a finite number of samples, got ${String(samples)}`);
  }
  const inputs = withBatch(options.inputs, 1);
  return countFlops(model, { ...options, batch: 1, ...(inputs ? { inputs } : {}) }).flops * samples;
}
