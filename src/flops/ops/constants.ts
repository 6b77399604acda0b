import { DataType, maxFoldedElements, tensorValues } from '../onnx/tensor-values.js';
import { type OpRule, ShapeError, type TensorInfo } from './rule.js';
import { product } from './shape-math.js';
import { foldable } from './values.js';

// Operators that create tensors from attributes or from small inputs.

/** Constant: one of value (a tensor), value_float(s), value_int(s); value_string(s) and sparse values have no numbers. */
const constant: OpRule = {
  infer(call) {
    const tensor = call.tensor('value');
    if (tensor) {
      const value = tensorValues(tensor);
      return [{ shape: tensor.dims, dataType: tensor.dataType, ...(value ? { value } : {}) }];
    }
    const scalar = (name: string, dataType: number): TensorInfo | undefined => {
      const v = call.attribute(name);
      return typeof v === 'number' ? { shape: [], dataType, value: [v] } : undefined;
    };
    const list = (name: string, dataType: number): TensorInfo | undefined => {
      const v = call.ints(name);
      return v ? { shape: [v.length], dataType, value: v } : undefined;
    };
    const found =
      scalar('value_float', DataType.float) ??
      scalar('value_int', DataType.int64) ??
      list('value_floats', DataType.float) ??
      list('value_ints', DataType.int64);
    if (found) return [found];
    const strings = call.attribute('value_strings');
    if (Array.isArray(strings)) return [{ shape: [strings.length], dataType: DataType.string }];
    if (typeof call.attribute('value_string') === 'string') return [{ shape: [], dataType: DataType.string }];
    throw new ShapeError('expected a value attribute');
  },
};

/** ConstantOfShape: the input holds the shape; the optional `value` tensor the fill (default float 0). */
const constantOfShape: OpRule = {
  infer(call) {
    const shape = call.value(0);
    const fill = call.tensor('value');
    const dataType = fill?.dataType ?? DataType.float;
    const fillValue = fill ? (tensorValues(fill)?.[0] ?? 0) : 0;
    return [foldable(shape) ? { shape, dataType, value: new Array<number>(product(shape)).fill(fillValue) } : { shape, dataType }];
  },
};

/** Range(start, limit, delta): max(ceil((limit − start) / delta), 0) elements. */
const range: OpRule = {
  infer(call) {
    const [start = 0] = call.value(0);
    const [limit = 0] = call.value(1);
    const [delta = 1] = call.value(2);
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    const dataType = call.input(0).dataType;
    if (count > maxFoldedElements) return [{ shape: [count], dataType }];
    return [{ shape: [count], dataType, value: Array.from({ length: count }, (_, index) => start + index * delta) }];
  },
};

/** OneHot: the depth (an input) is inserted at `axis` of the indices' shape. */
const oneHot: OpRule = {
  infer(call) {
    const indices = call.shape(0);
    const [depth = 0] = call.value(1);
    const shape = [...indices];
    const axis = call.int('axis', -1);
    shape.splice(axis < 0 ? axis + indices.length + 1 : axis, 0, depth);
    return [{ shape, dataType: call.input(2).dataType }];
  },
};

/** Rules for the operators that make constants. */
export const constantRules: Record<string, OpRule> = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  OneHot: oneHot,
  EyeLike: { infer: (call) => [{ shape: call.shape(0), dataType: call.int('dtype', call.input(0).dataType) }] },
  RandomNormalLike: { infer: (call) => [{ shape: call.shape(0), dataType: call.int('dtype', call.input(0).dataType) }] },
  RandomUniformLike: { infer: (call) => [{ shape: call.shape(0), dataType: call.int('dtype', call.input(0).dataType) }] },
  RandomNormal: { infer: (call) => [{ shape: call.ints('shape') ?? [], dataType: call.int('dtype', DataType.float) }] },
  RandomUniform: { infer: (call) => [{ shape: call.ints('shape') ?? [], dataType: call.int('dtype', DataType.float) }] },
};
