import { product } from './shape-math.js';
import { stridesOf } from './values.js';

// Moving small tensors' values around at count time (Transpose, Tile, Pad, Split, the gathers and scatters): each
// output element is read from one input position, found by mapping the output's multi-index back to the input's.

/** Values of a tensor of shape `shape` where each element's multi-index maps to a flat position in `values` (or a fill). */
export function mapPositions(
  values: readonly number[],
  shape: readonly number[],
  source: (index: readonly number[]) => number | undefined,
  fill = 0,
): number[] {
  const count = product(shape);
  const result = new Array<number>(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < count; flat++) {
    const at = source(index);
    result[flat] = at === undefined ? fill : (values[at] as number);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (shape[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return result;
}

/** Flat position of a multi-index in a row-major tensor with these strides. */
export function flatPosition(index: readonly number[], strides: readonly number[]): number {
  let at = 0;
  for (let axis = 0; axis < index.length; axis++) at += (index[axis] as number) * (strides[axis] as number);
  return at;
}

/** Transpose's values: output axis i is input axis perm[i]. */
export function transposeValues(values: readonly number[], shape: readonly number[], perm: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const permuted = perm.map((axis) => strides[axis] as number);
  return mapPositions(
    values,
    perm.map((axis) => shape[axis] as number),
    (index) => flatPosition(index, permuted),
  );
}

/** Tile's values: each output index wraps around the input's dims. */
export function tileValues(values: readonly number[], shape: readonly number[], output: readonly number[]): number[] {
  const strides = stridesOf(shape);
  return mapPositions(values, output, (index) =>
    flatPosition(
      index.map((i, axis) => i % (shape[axis] as number)),
      strides,
    ),
  );
}

/** Where an out-of-range coordinate reads from under Pad's modes; undefined for `constant` (the fill). */
function padSource(i: number, size: number, mode: string): number | undefined {
  if (i >= 0 && i < size) return i;
  if (mode === 'edge') return Math.min(Math.max(i, 0), size - 1);
  if (mode === 'reflect' && size > 1) {
    const period = 2 * (size - 1);
    const folded = ((i % period) + period) % period;
    return folded < size ? folded : period - folded;
  }
  if (mode === 'wrap') return ((i % size) + size) % size;
  return undefined;
}

/** Pad's values: `begins` per axis shifts the input; positions outside it take the fill (constant) or a mode's source. */
export function padValues(
  values: readonly number[],
  shape: readonly number[],
  output: readonly number[],
  begins: readonly number[],
  mode: string,
  fill: number,
): number[] {
  const strides = stridesOf(shape);
  return mapPositions(
    values,
    output,
    (index) => {
      let at = 0;
      for (let axis = 0; axis < index.length; axis++) {
        const source = padSource((index[axis] as number) - (begins[axis] ?? 0), shape[axis] as number, mode);
        if (source === undefined) return undefined;
        at += source * (strides[axis] as number);
      }
      return at;
    },
    fill,
  );
}

/** Values of the block of `shape` starting at `offset` along `axis` (one output of Split). */
export function blockValues(values: readonly number[], shape: readonly number[], axis: number, offset: number, size: number): number[] {
  const strides = stridesOf(shape);
  const output = [...shape];
  output[axis] = size;
  return mapPositions(values, output, (index) => flatPosition(index, strides) + offset * (strides[axis] as number));
}
