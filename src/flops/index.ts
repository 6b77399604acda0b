// FLOPs of a model from its graph: ONNX (any exporter) and TF.js layers models, without running it or its weights.

export { achievedThroughput, type Throughput } from '../model/gpu-peaks.js';
export { type BatchLike, countFlops, type DatasetLike, flopsPerBatch, flopsPerEpoch } from './count-flops.js';
export { loadModel } from './load.js';
export type { ModelInput } from './model-source.js';
export { decodeOnnx } from './onnx/decode.js';
export type { TfjsModelLike } from './tfjs/topology.js';
export type { AttributeValue, CountOptions, FlopsReport, GraphNode, GraphTensor, GraphValue, ModelGraph, NodeCount, OpTotals } from './types.js';
