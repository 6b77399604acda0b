import { DataType } from '../onnx/tensor-values.js';
import type { OpRule, TensorInfo } from './rule.js';
import { product } from './shape-math.js';

// Quantized graphs (QDQ format): QuantizeLinear and DequantizeLinear keep the shape and cost 2 FLOPs per element
// (scale, then round or shift); DynamicQuantizeLinear also finds the range first (2 more).

function perElement(cost: number, outputs: (x: TensorInfo, zeroPointType: number) => TensorInfo[]): OpRule {
  return {
    infer(call) {
      const x = call.input(0);
      const zeroPoint = call.has(2) ? call.input(2).dataType : DataType.uint8;
      return outputs(x, call.int('output_dtype', 0) || zeroPoint);
    },
    cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * cost }),
  };
}

/** Rules for the quantization operators of the standard domain. */
export const quantizeRules: Record<string, OpRule> = {
  QuantizeLinear: perElement(2, (x, type) => [{ shape: x.shape, dataType: type }]),
  DequantizeLinear: perElement(2, (x) => [{ shape: x.shape, dataType: DataType.float }]),
  DynamicQuantizeLinear: perElement(4, (x) => [
    { shape: x.shape, dataType: DataType.uint8 },
    { shape: [], dataType: DataType.float },
    { shape: [], dataType: DataType.uint8 },
  ]),
};

/** onnxruntime's MatMulNBits: A [..., K] times a packed N×K weight of 2 to 8 bits; its dims are attributes. */
export const matMulNBits: OpRule = {
  infer(call) {
    const a = call.input(0);
    return [{ shape: [...a.shape.slice(0, -1), call.int('N', 0)], dataType: a.dataType }];
  },
  cost: (call) => ({ macs: product(call.shape(0).slice(0, -1)) * call.int('K', 0) * call.int('N', 0), flops: 0 }),
};
