import { ShapeError } from './rule.js';

// Small helpers for shape arithmetic shared by the operator rules.

/** Product of the dims (1 for a scalar). */
export function product(dims: readonly number[]): number {
  // Indexed: called for nearly every node of a cold count, where a for-of step allocates.
  let result = 1;
  for (let i = 0; i < dims.length; i++) result *= dims[i] as number;
  return result;
}

/** A possibly negative axis made absolute for a tensor of rank `rank`. */
export function normalizeAxis(axis: number, rank: number): number {
  const absolute = axis < 0 ? axis + rank : axis;
  if (absolute < 0 || absolute >= Math.max(rank, 1)) throw new ShapeError(`axis ${axis} is out of range for rank ${rank}`);
  return absolute;
}

/** NumPy-style broadcast of several shapes. */
export function broadcast(...shapes: ReadonlyArray<readonly number[]>): number[] {
  let rank = 0;
  for (let k = 0; k < shapes.length; k++) rank = Math.max(rank, (shapes[k] as readonly number[]).length);
  const result = new Array<number>(rank).fill(1);
  for (let k = 0; k < shapes.length; k++) {
    const shape = shapes[k] as readonly number[];
    const offset = rank - shape.length;
    for (let index = 0; index < shape.length; index++) {
      const dim = shape[index] as number;
      const current = result[offset + index] as number;
      if (dim === current || dim === 1) continue;
      if (current === 1) result[offset + index] = dim;
      else throw new ShapeError(`shapes [${shapes.map((s) => s.join(',')).join('] and [')}] do not broadcast`);
    }
  }
  return result;
}

/** Padding of a sliding window per spatial axis, as [begin, end] pairs, from ONNX's auto_pad and pads. */
export function windowPads(
  autoPad: string,
  input: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  pads: readonly number[] | undefined,
): Array<[number, number]> {
  return input.map((size, axis) => {
    const stride = strides[axis] ?? 1;
    const extent = ((kernel[axis] ?? 1) - 1) * (dilations[axis] ?? 1) + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const total = Math.max(0, (Math.ceil(size / stride) - 1) * stride + extent - size);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    }
    if (autoPad === 'VALID') return [0, 0];
    return [pads?.[axis] ?? 0, pads?.[axis + input.length] ?? 0];
  });
}

/** Output size of a sliding window along each spatial axis (convolution and pooling). */
export function windowOutput(
  input: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  pads: ReadonlyArray<[number, number]>,
  ceilMode = false,
): number[] {
  return input.map((size, axis) => {
    const stride = strides[axis] ?? 1;
    const extent = ((kernel[axis] ?? 1) - 1) * (dilations[axis] ?? 1) + 1;
    const [begin, end] = pads[axis] ?? [0, 0];
    const span = size + begin + end - extent;
    if (span < 0) throw new ShapeError(`a window of ${extent} does not fit an input of ${size} (padding ${begin}+${end})`);
    let output = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    // As in PyTorch: with ceil_mode, the last window must start inside the input or its left padding.
    if (ceilMode && (output - 1) * stride >= size + begin) output -= 1;
    return output;
  });
}
