import { DataType } from '../onnx/tensor-values.js';
import { flatPosition, mapPositions } from './layout-values.js';
import { type OpCall, type OpRule, ShapeError, type TensorInfo, UnknownInput } from './rule.js';
import { normalizeAxis, product } from './shape-math.js';
import { foldable, stridesOf } from './values.js';

// Element-wise gathers and scatters, and the operators whose output shape comes from values (NonZero, Compress,
// Unique). No FLOPs; exporters use them on shape vectors (ScatterND writing one dim, torch's index_put) and on masks
// built from shapes (Swin's shifted-window mask), so their values are computed when the inputs' are known.

function withValue(shape: number[], dataType: number, value: number[] | undefined): TensorInfo {
  return value === undefined ? { shape, dataType } : { shape, dataType, value };
}

function wrap(index: number, size: number): number {
  const absolute = index < 0 ? index + size : index;
  if (absolute < 0 || absolute >= size) throw new ShapeError(`index ${index} is out of range for a dim of ${size}`);
  return absolute;
}

type Reduction = (current: number, update: number) => number;

const reductions: Record<string, Reduction> = {
  none: (_current, update) => update,
  add: (current, update) => current + update,
  mul: (current, update) => current * update,
  max: (current, update) => Math.max(current, update),
  min: (current, update) => Math.min(current, update),
};

function reductionOf(call: OpCall): Reduction {
  const name = call.string('reduction', 'none');
  const reduction = reductions[name];
  if (reduction === undefined) throw new ShapeError(`unknown reduction "${name}"`);
  return reduction;
}

/** GatherElements: output[j] = data[j with `axis` replaced by indices[j]]. */
const gatherElements: OpRule = {
  infer(call) {
    const data = call.input(0);
    const indices = call.input(1);
    const axis = normalizeAxis(call.int('axis', 0), data.shape.length);
    let value: number[] | undefined;
    if (data.value && indices.value && foldable(indices.shape)) {
      const strides = stridesOf(data.shape);
      const indexStrides = stridesOf(indices.shape);
      const size = data.shape[axis] as number;
      value = mapPositions(data.value, indices.shape, (index) => {
        const picked = [...index];
        picked[axis] = wrap(indices.value?.[flatPosition(index, indexStrides)] as number, size);
        return flatPosition(picked, strides);
      });
    }
    return [withValue(indices.shape, data.dataType, value)];
  },
};

/** GatherND: indices.shape[:-1] + data.shape[batch_dims + k:], each index tuple picking a slice of data. */
const gatherNd: OpRule = {
  infer(call) {
    const data = call.input(0);
    const indices = call.input(1);
    const batchDims = call.int('batch_dims', 0);
    const depth = indices.shape[indices.shape.length - 1] ?? 0;
    const shape = [...indices.shape.slice(0, -1), ...data.shape.slice(batchDims + depth)];
    if (!data.value || !indices.value || !foldable(shape)) return [{ shape, dataType: data.dataType }];
    const strides = stridesOf(data.shape);
    const sliceSize = product(data.shape.slice(batchDims + depth));
    const tuples = product(indices.shape.slice(0, -1));
    const perBatch = tuples / Math.max(1, product(indices.shape.slice(0, batchDims)));
    const value: number[] = [];
    for (let tuple = 0; tuple < tuples; tuple++) {
      const batch = Math.floor(tuple / perBatch);
      const batchIndex = batchDims === 0 ? [] : unflatten(batch, data.shape.slice(0, batchDims));
      const picked = indices.value.slice(tuple * depth, (tuple + 1) * depth).map((i, axis) => wrap(i, data.shape[batchDims + axis] as number));
      const start = flatPosition([...batchIndex, ...picked], strides);
      for (let i = 0; i < sliceSize; i++) value.push(data.value[start + i] as number);
    }
    return [{ shape, dataType: data.dataType, value }];
  },
};

function unflatten(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = rest % (shape[axis] as number);
    rest = Math.floor(rest / (shape[axis] as number));
  }
  return index;
}

/** ScatterND: a copy of data where each index tuple of `indices` receives its slice of `updates`. */
const scatterNd: OpRule = {
  infer(call) {
    const data = call.input(0);
    const indices = call.input(1);
    const updates = call.input(2);
    if (!data.value || !indices.value || !updates.value) return [{ shape: data.shape, dataType: data.dataType }];
    const reduce = reductionOf(call);
    const depth = indices.shape[indices.shape.length - 1] ?? 0;
    const strides = stridesOf(data.shape);
    const sliceSize = product(data.shape.slice(depth));
    const value = [...data.value];
    const tuples = product(indices.shape.slice(0, -1));
    for (let tuple = 0; tuple < tuples; tuple++) {
      const picked = indices.value.slice(tuple * depth, (tuple + 1) * depth).map((i, axis) => wrap(i, data.shape[axis] as number));
      const start = flatPosition(picked, strides.slice(0, depth));
      for (let i = 0; i < sliceSize; i++) value[start + i] = reduce(value[start + i] as number, updates.value[tuple * sliceSize + i] as number);
    }
    return [{ shape: data.shape, dataType: data.dataType, value }];
  },
};

/** ScatterElements (and the older Scatter): updates[j] lands at j with `axis` replaced by indices[j]. */
const scatterElements: OpRule = {
  infer(call) {
    const data = call.input(0);
    const indices = call.input(1);
    const updates = call.input(2);
    if (!data.value || !indices.value || !updates.value) return [{ shape: data.shape, dataType: data.dataType }];
    const reduce = reductionOf(call);
    const axis = normalizeAxis(call.int('axis', 0), data.shape.length);
    const strides = stridesOf(data.shape);
    const value = [...data.value];
    indices.value.forEach((raw, flat) => {
      const target = unflatten(flat, indices.shape);
      target[axis] = wrap(raw, data.shape[axis] as number);
      const at = flatPosition(target, strides);
      value[at] = reduce(value[at] as number, updates.value?.[flat] as number);
    });
    return [{ shape: data.shape, dataType: data.dataType, value }];
  },
};

/** The values of an input an output shape depends on, or a reason naming the node's operator. */
function valuesFor(call: OpCall, index: number): number[] {
  const input = call.input(index);
  if (input.value === undefined) throw new UnknownInput(`the output shape of ${call.node.opType} depends on the data (input ${index} is computed at run time)`);
  return input.value;
}

/** NonZero: the [rank, count] coordinates of the non-zero elements, known when the input's values are. */
const nonZero: OpRule = {
  infer(call) {
    const x = call.input(0);
    const values = valuesFor(call, 0);
    const coordinates: number[][] = x.shape.map(() => []);
    values.forEach((v, flat) => {
      if (v === 0) return;
      unflatten(flat, x.shape).forEach((i, axis) => {
        coordinates[axis]?.push(i);
      });
    });
    const count = coordinates[0]?.length ?? (values.some((v) => v !== 0) ? 1 : 0);
    return [{ shape: [x.shape.length, count], dataType: DataType.int64, value: coordinates.flat() }];
  },
};

/** Compress: the slices along `axis` (or the flattened input's elements) whose condition is true. */
const compress: OpRule = {
  infer(call) {
    const data = call.input(0);
    const condition = valuesFor(call, 1);
    const attribute = call.attribute('axis');
    const shape = typeof attribute === 'number' ? [...data.shape] : [product(data.shape)];
    const axis = typeof attribute === 'number' ? normalizeAxis(attribute, data.shape.length) : 0;
    const kept = condition.slice(0, shape[axis]).flatMap((c, i) => (c ? [i] : []));
    shape[axis] = kept.length;
    let value: number[] | undefined;
    if (data.value && foldable(shape)) {
      const flatShape = typeof attribute === 'number' ? data.shape : [product(data.shape)];
      const strides = stridesOf(flatShape);
      value = mapPositions(data.value, shape, (index) => {
        const source = [...index];
        source[axis] = kept[index[axis] as number] as number;
        return flatPosition(source, strides);
      });
    }
    return [withValue(shape, data.dataType, value)];
  },
};

/** Unique over the flattened input (no axis): its distinct values, first indices, inverse indices and counts. */
const unique: OpRule = {
  infer(call) {
    const values = valuesFor(call, 0);
    if (typeof call.attribute('axis') === 'number') throw new UnknownInput('Unique along an axis is not computed at count time');
    const first = new Map<number, number>();
    const counts = new Map<number, number>();
    values.forEach((v, i) => {
      if (!first.has(v)) first.set(v, i);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    });
    const distinct = [...first.keys()];
    if (call.int('sorted', 1) === 1) distinct.sort((a, b) => a - b);
    const position = new Map(distinct.map((v, i) => [v, i]));
    const n = distinct.length;
    const int64 = (value: number[]): TensorInfo => ({ shape: [value.length], dataType: DataType.int64, value });
    return [
      { shape: [n], dataType: call.input(0).dataType, value: distinct },
      int64(distinct.map((v) => first.get(v) as number)),
      int64(values.map((v) => position.get(v) as number)),
      int64(distinct.map((v) => counts.get(v) as number)),
    ];
  },
};

/** Rules for the gathers and scatters, and the operators whose shapes come from values. */
export const gatherScatterRules: Record<string, OpRule> = {
  GatherElements: gatherElements,
  GatherND: gatherNd,
  ScatterND: scatterNd,
  ScatterElements: scatterElements,
  Scatter: scatterElements,
  NonZero: nonZero,
  Compress: compress,
  Unique: unique,
};
