// The model graph runmeter counts, whatever file it came from, and the report it produces.

/** An attribute of a node: ONNX's int, float, string, tensor and list forms, with ints and floats both as numbers. */
export type AttributeValue = number | number[] | string | string[] | GraphTensor | ModelGraph;

/** One operator application. `inputs` keeps ONNX's empty string for an omitted optional input. */
export interface GraphNode {
  opType: string;
  /** '' (or 'ai.onnx') for the standard operators; 'com.microsoft' and others for extensions. */
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

/** A constant tensor: an initializer or a Constant node's value. Its data is read only when small and needed. */
export interface GraphTensor {
  name: string;
  dims: number[];
  /** ONNX TensorProto.DataType (1 float, 6 int32, 7 int64, 9 bool, 10 float16, ...). */
  dataType: number;
  /** The values, when given directly (graphs built in code). */
  values?: number[];
  /** The encoded data as it lies in the file, decoded on demand (see onnx/tensor-values.ts). */
  encoded?: EncodedTensorData;
}

/** Tensor data still in its protobuf encoding: `field` names the TensorProto field it came from. */
export interface EncodedTensorData {
  field: 'raw' | 'float' | 'double' | 'int32' | 'int64' | 'uint64';
  bytes: Uint8Array;
}

/** A declared input, output or intermediate value: its name, element type, and dims (a number, a symbol, or unknown). */
export interface GraphValue {
  name: string;
  dataType: number;
  dims?: Array<number | string | undefined>;
}

/** A computation graph in ONNX's terms; TF.js topologies are counted by their own walker. */
export interface ModelGraph {
  format: 'onnx';
  /** Version of each imported operator set, by domain ('' for the standard one). */
  opsets: Record<string, number>;
  nodes: GraphNode[];
  inputs: GraphValue[];
  outputs: GraphValue[];
  valueInfo: GraphValue[];
  initializers: GraphTensor[];
  producer?: string;
}

/** What `countFlops` takes besides the model. */
export interface CountOptions {
  /** Value for the leading (batch) dim of inputs whose first dim is symbolic; default 1. */
  batch?: number;
  /** Full dims of named inputs, e.g. `{ input_ids: [8, 128] }`; symbols they fill apply to every input. */
  inputs?: Record<string, number[]>;
  /** Count forward and backward passes (≈ 3 × forward) instead of the forward pass alone. */
  training?: boolean;
  /** Keep the per-node list in the report. */
  perNode?: boolean;
}

/** The cost of one node (or one TF.js layer). */
export interface NodeCount {
  name: string;
  opType: string;
  macs: number;
  flops: number;
  /** Shape of the first output, when known. */
  shape?: number[];
  /** Why the node was counted as zero, when it was. */
  note?: 'unknown-op' | 'unknown-shape' | 'shape-arithmetic';
}

/** Totals for one operator type. */
export interface OpTotals {
  nodes: number;
  macs: number;
  flops: number;
}

/** The count for a model. `flops` = 2 × `macs` + the other operators' documented costs. */
export interface FlopsReport {
  format: 'onnx' | 'tfjs';
  macs: number;
  flops: number;
  params: number;
  /** 3 when training (forward + backward), 1 otherwise; macs and flops already include it. */
  passes: number;
  /** Per operator type (ONNX op_type, or TF.js layer class), largest flops first. */
  byOp: Record<string, OpTotals>;
  /** The batch the counts are for: the one asked for where it applied, else the inputs' leading dim (an `inputs` option's). */
  batch: number;
  /** Resolved dims of the model's inputs. */
  inputs: Record<string, number[] | undefined>;
  /** Operator types runmeter has no rule for, counted as zero. */
  unknownOps: string[];
  warnings: string[];
  nodes?: NodeCount[];
}
