import { maxFoldedElements } from '../onnx/tensor-values.js';
import type { TensorInfo } from './rule.js';
import { product } from './shape-math.js';

// Computing small tensors at count time: the shape arithmetic exporters emit (Shape → Gather → Concat → Reshape)
// works on a handful of int64 values, and folding it gives Reshape, Expand, Slice, ... their actual arguments.

/** True when a tensor of this shape is small enough to fold. */
export function foldable(shape: readonly number[]): boolean {
  return product(shape) <= maxFoldedElements;
}

/** The values of a tensor of shape `from` repeated to fill the broadcast shape `to`. */
export function broadcastValues(values: readonly number[], from: readonly number[], to: readonly number[]): number[] {
  const count = product(to);
  if (values.length === count && from.length === to.length) return [...values];
  const offset = to.length - from.length;
  const strides = new Array<number>(to.length).fill(0);
  let stride = 1;
  for (let axis = from.length - 1; axis >= 0; axis--) {
    strides[axis + offset] = from[axis] === 1 ? 0 : stride;
    stride *= from[axis] as number;
  }
  const result = new Array<number>(count);
  const index = new Array<number>(to.length).fill(0);
  for (let flat = 0; flat < count; flat++) {
    let source = 0;
    for (let axis = 0; axis < to.length; axis++) source += (index[axis] as number) * (strides[axis] as number);
    result[flat] = values[source] as number;
    for (let axis = to.length - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (to[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return result;
}

/** Applies `fn` elementwise over inputs broadcast to `shape`, when all their values are known and the result is small. */
export function foldElementwise(inputs: ReadonlyArray<TensorInfo>, shape: readonly number[], fn: (args: number[]) => number): number[] | undefined {
  for (const input of inputs) if (input.value === undefined) return undefined;
  if (!foldable(shape)) return undefined;
  const expanded = inputs.map((input) => broadcastValues(input.value as number[], input.shape, shape));
  const count = product(shape);
  const result = new Array<number>(count);
  for (let i = 0; i < count; i++) result[i] = fn(expanded.map((values) => values[i] as number));
  return result;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = (strides[axis + 1] as number) * (shape[axis + 1] as number);
  return strides;
}
