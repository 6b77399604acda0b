import { DataType } from '../onnx/tensor-values.js';
import { transposeValues } from './layout-values.js';
import { type OpCall, type OpRule, ShapeError, type TensorInfo } from './rule.js';
import { normalizeAxis, product } from './shape-math.js';

// Operators that only rearrange data (no FLOPs). Those that keep the row-major order also carry small values through.

function keepValue(input: TensorInfo, shape: number[]): TensorInfo {
  return input.value ? { shape, dataType: input.dataType, value: input.value } : { shape, dataType: input.dataType };
}

const shapeOf: OpRule = {
  infer(call) {
    const dims = call.shape(0);
    const clamp = (position: number) => Math.min(Math.max(position < 0 ? position + dims.length : position, 0), dims.length);
    const value = dims.slice(clamp(call.int('start', 0)), clamp(call.int('end', dims.length)));
    return [{ shape: [value.length], dataType: DataType.int64, value }];
  },
};

const size: OpRule = {
  infer: (call) => [{ shape: [], dataType: DataType.int64, value: [product(call.shape(0))] }],
};

/** Reshape: 0 copies the input's dim (unless allowzero), -1 takes what is left. Before opset 5 the shape was an attribute. */
const reshape: OpRule = {
  infer(call) {
    const input = call.input(0);
    const requested = call.has(1) ? call.value(1) : call.ints('shape');
    if (requested === undefined) throw new ShapeError('expected a shape input');
    const allowZero = call.int('allowzero', 0) === 1;
    const shape = requested.map((dim, axis) => (dim === 0 && !allowZero ? (input.shape[axis] ?? 0) : dim));
    const inferred = shape.indexOf(-1);
    if (inferred >= 0) {
      const known = product(shape.filter((_, axis) => axis !== inferred));
      shape[inferred] = known === 0 ? 0 : product(input.shape) / known;
    }
    if (product(shape) !== product(input.shape)) throw new ShapeError(`cannot reshape [${input.shape}] to [${requested}]`);
    return [keepValue(input, shape)];
  },
};

const flatten: OpRule = {
  infer(call) {
    const input = call.input(0);
    const axis = call.int('axis', 1);
    const split = axis < 0 ? axis + input.shape.length : axis;
    return [keepValue(input, [product(input.shape.slice(0, split)), product(input.shape.slice(split))])];
  },
};

const transpose: OpRule = {
  infer(call) {
    const input = call.input(0);
    const perm = call.ints('perm') ?? input.shape.map((_, axis) => input.shape.length - 1 - axis);
    const shape = perm.map((axis) => input.shape[axis] as number);
    if (!input.value) return [{ shape, dataType: input.dataType }];
    return [{ shape, dataType: input.dataType, value: transposeValues(input.value, input.shape, perm) }];
  },
};

/** Axes from the input (opset 13 on) or the attribute (before). */
function axesOf(call: OpCall, inputIndex: number): number[] | undefined {
  return call.has(inputIndex) ? call.value(inputIndex) : call.ints('axes');
}

const squeeze: OpRule = {
  infer(call) {
    const input = call.input(0);
    const axes = axesOf(call, 1)?.map((axis) => normalizeAxis(axis, input.shape.length));
    const shape = input.shape.filter((dim, axis) => (axes === undefined ? dim !== 1 : !axes.includes(axis)));
    return [keepValue(input, shape)];
  },
};

const unsqueeze: OpRule = {
  infer(call) {
    const input = call.input(0);
    const axes = axesOf(call, 1) ?? [];
    const rank = input.shape.length + axes.length;
    const inserted = new Set(axes.map((axis) => normalizeAxis(axis, rank)));
    const shape: number[] = [];
    let next = 0;
    for (let axis = 0; axis < rank; axis++) shape.push(inserted.has(axis) ? 1 : (input.shape[next++] as number));
    return [keepValue(input, shape)];
  },
};

/** Identity, Dropout (its mask output too) and other operators whose outputs have the input's shape and cost nothing. */
const passThrough: OpRule = {
  infer(call) {
    const input = call.input(0);
    return call.node.outputs.map((_, index) => (index === 0 ? keepValue(input, input.shape) : { shape: input.shape, dataType: DataType.bool }));
  },
};

function blockRearrange(toDepth: boolean): OpRule {
  return {
    infer(call) {
      const [n = 1, c = 1, h = 1, w = 1] = call.shape(0);
      const block = call.int('blocksize', 1);
      const shape = toDepth ? [n, c * block * block, h / block, w / block] : [n, c / (block * block), h * block, w * block];
      return [{ shape, dataType: call.input(0).dataType }];
    },
  };
}

/** Rules for the operators that reshape or pass data through. */
export const shapeRules: Record<string, OpRule> = {
  Shape: shapeOf,
  Size: size,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Identity: passThrough,
  Dropout: passThrough,
  StopGradient: passThrough,
  DepthToSpace: blockRearrange(false),
  SpaceToDepth: blockRearrange(true),
};
