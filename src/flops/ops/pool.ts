import { reduceCost } from '../costs.js';
import { DataType } from '../onnx/tensor-values.js';
import { type OpRule, ShapeError, type TensorInfo } from './rule.js';
import { product, windowOutput, windowPads } from './shape-math.js';

// Pooling costs one operation per window element per output element (compare or add); global pooling one per input element.

function pool(costPerElement: number): OpRule {
  return {
    infer(call) {
      const x = call.shape(0);
      const kernel = call.ints('kernel_shape');
      if (kernel === undefined) throw new ShapeError('expected a kernel_shape attribute');
      const spatial = x.slice(2);
      const strides = call.ints('strides') ?? [];
      const dilations = call.ints('dilations') ?? [];
      const pads = windowPads(call.string('auto_pad', 'NOTSET'), spatial, kernel, strides, dilations, call.ints('pads'));
      const output = windowOutput(spatial, kernel, strides, dilations, pads, call.int('ceil_mode', 0) === 1);
      const shape = [...x.slice(0, 2), ...output];
      return [
        { shape, dataType: call.input(0).dataType },
        { shape, dataType: DataType.int64 },
      ];
    },
    cost(call, [y]) {
      return { macs: 0, flops: product((y as TensorInfo).shape) * product(call.ints('kernel_shape') ?? []) * costPerElement };
    },
  };
}

const globalPool: OpRule = {
  infer(call) {
    const x = call.shape(0);
    return [{ shape: [...x.slice(0, 2), ...x.slice(2).map(() => 1)], dataType: call.input(0).dataType }];
  },
  cost(call) {
    return { macs: 0, flops: product(call.shape(0)) * reduceCost };
  },
};

/** Rules for pooling. LpPool raises to the power p and sums: two operations per window element. */
export const poolRules: Record<string, OpRule> = {
  MaxPool: pool(1),
  AveragePool: pool(1),
  LpPool: pool(2),
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};
