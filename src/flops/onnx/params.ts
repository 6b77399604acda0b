import type { ModelGraph } from '../types.js';
import { DataType, elementCount } from './tensor-values.js';

// Parameters are the elements of the initializers that hold weights: floating-point tensors, and 8-bit (or
// narrower) integers, the weights of quantized models. 16- to 64-bit integers and booleans hold shapes, axes and
// indices, never weights, and are left out. Each initializer counts once, however many nodes use it.

const indexTypes = new Set<number>([
  DataType.int16,
  DataType.uint16,
  DataType.int32,
  DataType.uint32,
  DataType.int64,
  DataType.uint64,
  DataType.bool,
  DataType.string,
]);

/** Number of parameters (weight elements) among the graph's initializers. */
export function countParams(graph: ModelGraph): number {
  let params = 0;
  const seen = new Set<string>();
  for (const tensor of graph.initializers) {
    if (seen.has(tensor.name) || indexTypes.has(tensor.dataType)) continue;
    seen.add(tensor.name);
    params += elementCount(tensor.dims);
  }
  return params;
}
