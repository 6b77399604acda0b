import { batchNormCost, layerNormCost, rmsNormCost, softmaxCost } from '../costs.js';
import { DataType } from '../onnx/tensor-values.js';
import type { OpCall, OpRule, TensorInfo } from './rule.js';
import { normalizeAxis, product } from './shape-math.js';

// Normalizations and softmax: the output has the input's shape; the cost is a fixed number of FLOPs per element.

function perElement(cost: number, extraOutputs: (call: OpCall, x: TensorInfo) => TensorInfo[] = () => []): OpRule {
  return {
    infer(call) {
      const x = call.input(0);
      return [{ shape: x.shape, dataType: x.dataType }, ...extraOutputs(call, x)];
    },
    cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * cost }),
  };
}

/** Mean and inverse standard deviation outputs: the input's shape with the normalized axes reduced to 1. */
function statistics(call: OpCall, x: TensorInfo): TensorInfo[] {
  const axis = normalizeAxis(call.int('axis', -1), x.shape.length);
  const shape = x.shape.map((dim, index) => (index < axis ? dim : 1));
  return [
    { shape, dataType: DataType.float },
    { shape, dataType: DataType.float },
  ];
}

/** BatchNormalization in training mode also outputs the running mean and variance, one per channel. */
function runningStatistics(call: OpCall, x: TensorInfo): TensorInfo[] {
  const channels = [x.shape[1] ?? 1];
  return call.node.outputs.slice(1).map(() => ({ shape: channels, dataType: x.dataType }));
}

/** onnxruntime's SkipLayerNormalization adds the skip (and an optional bias) first: one or two more FLOPs per element. */
const skipLayerNorm = (normCost: number): OpRule => ({
  infer(call) {
    const x = call.input(0);
    const stats = x.shape.map((dim, index) => (index < x.shape.length - 1 ? dim : 1));
    return [
      { shape: x.shape, dataType: x.dataType },
      { shape: stats, dataType: DataType.float },
      { shape: stats, dataType: DataType.float },
      { shape: x.shape, dataType: x.dataType },
    ];
  },
  cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * (normCost + 1 + (call.has(4) ? 1 : 0)) }),
});

/** onnxruntime's EmbedLayerNormalization: three embedding lookups summed (2 FLOPs per element), then layer norm. */
const embedLayerNorm: OpRule = {
  infer(call) {
    const ids = call.shape(0);
    const hidden = call.shape(2)[1] ?? 1;
    return [
      { shape: [...ids, hidden], dataType: call.input(2).dataType },
      { shape: [ids[0] ?? 1], dataType: DataType.int32 },
    ];
  },
  cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * (call.shape(2)[1] ?? 1) * (layerNormCost + 2) }),
};

/** Rules for the normalizations and softmax of the standard domain. */
export const normalizationRules: Record<string, OpRule> = {
  BatchNormalization: perElement(batchNormCost, runningStatistics),
  LayerNormalization: perElement(layerNormCost, statistics),
  RMSNormalization: perElement(rmsNormCost),
  // onnxruntime registers its RMS norm in the standard domain.
  SimplifiedLayerNormalization: perElement(rmsNormCost, statistics),
  InstanceNormalization: perElement(layerNormCost),
  GroupNormalization: perElement(layerNormCost),
  MeanVarianceNormalization: perElement(layerNormCost - 1),
  LpNormalization: perElement(3),
  // LRN: a sum of squares over `size` channels (2 per channel), then scale, power and divide.
  LRN: { ...perElement(0), cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * (2 * call.int('size', 1) + 3) }) },
  Softmax: perElement(softmaxCost),
  LogSoftmax: perElement(softmaxCost + 1),
  Hardmax: perElement(1),
};

/** Rules for onnxruntime's fused normalizations (com.microsoft). */
export const microsoftNormalizationRules: Record<string, OpRule> = {
  SkipLayerNormalization: skipLayerNorm(layerNormCost),
  SkipSimplifiedLayerNormalization: skipLayerNorm(rmsNormCost),
  EmbedLayerNormalization: embedLayerNorm,
};
