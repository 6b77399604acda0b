import { fileStamp, loadModel, resolveModelFile } from './load.js';
import { type ModelInput, type ParsedModel, parseModel } from './model-source.js';
import { countOnnx } from './onnx/count.js';
import { samples, shown } from './sizes.js';
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
    // A folder's model is the file in it: its stamp, not the folder's, says when it was rewritten.
    const file = resolveModelFile(model);
    const stamp = `${file}:${fileStamp(file)}`;
    const cached = parsedByPath.get(model);
    if (cached !== undefined && cached.stamp === stamp) return cached.parsed;
    const fresh = parseModel(loadModel(file), file);
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
  if (options.batch !== undefined) samples('batch', options.batch);
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

/** A dataset: its number of samples, or an object with `length` (arrays) or `size` (tf.data, Sets, Maps). */
export type DatasetLike = number | { length: number } | { size: number };

function batchSize(batch: unknown): number {
  if (typeof batch === 'object' && batch !== null && 'shape' in batch) {
    const shape = (batch as { shape: unknown }).shape;
    if (!Array.isArray(shape)) return samples('batch', undefined, `a tensor whose shape is ${shown(shape)}`);
    return samples('batch', shape[0], `a tensor of shape [${shape.map(shown).join(', ')}]`);
  }
  return samples('batch', batch, typeof batch === 'object' && batch !== null ? 'an object with no shape (expected a number or a tensor)' : shown(batch));
}

function datasetSize(dataset: unknown): number {
  if (typeof dataset === 'object' && dataset !== null) {
    if ('length' in dataset)
      return samples('dataset size', (dataset as { length: unknown }).length, `a length of ${shown((dataset as { length: unknown }).length)}`);
    if ('size' in dataset) return samples('dataset size', (dataset as { size: unknown }).size, `a size of ${shown((dataset as { size: unknown }).size)}`);
    return samples('dataset size', undefined, 'an object with neither length nor size');
  }
  return samples('dataset size', dataset);
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

/** FLOPs of one pass over a dataset: per-sample FLOPs × samples (prov4ml's log_flops_per_epoch). */
export function flopsPerEpoch(model: ModelInput | string, dataset: DatasetLike, options: Omit<CountOptions, 'batch'> = {}): number {
  const size = datasetSize(dataset);
  const inputs = withBatch(options.inputs, 1);
  return countFlops(model, { ...options, batch: 1, ...(inputs ? { inputs } : {}) }).flops * size;
}
