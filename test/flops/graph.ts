import type { AttributeValue, GraphNode, GraphTensor, ModelGraph } from '../../src/flops/types.js';

// Building small ONNX graphs in tests: inputs with symbolic or fixed dims, weights by dims alone (no data, as in a
// model saved with external weights), int64 constants with values, and nodes.

type Dim = number | string;

/** An int64 tensor with values (shape vectors, axes, indices). */
export function int64(values: number[], dims: number[] = [values.length]): GraphTensor {
  return { name: '', dims, dataType: 7, values };
}

/** A float tensor with values (scales, scalars). */
export function float(values: number[], dims: number[] = [values.length]): GraphTensor {
  return { name: '', dims, dataType: 1, values };
}

/** A node; the name defaults to its first output. */
export function node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}, domain = ''): GraphNode {
  return { opType, domain, name: outputs[0] ?? opType, inputs, outputs, attributes };
}

interface GraphSpec {
  inputs: Record<string, Dim[]>;
  /** Weights by dims (float, no data), or constant tensors with values. */
  weights?: Record<string, number[] | GraphTensor>;
  nodes: GraphNode[];
  opset?: number;
  valueInfo?: Record<string, Dim[]>;
  /** The graph's declared outputs, by dims. */
  outputs?: Record<string, Dim[]>;
}

/** A ModelGraph from a compact description. */
export function graph(spec: GraphSpec): ModelGraph {
  return {
    format: 'onnx',
    opsets: { '': spec.opset ?? 17 },
    nodes: spec.nodes,
    inputs: Object.entries(spec.inputs).map(([name, dims]) => ({ name, dataType: 1, dims })),
    outputs: Object.entries(spec.outputs ?? {}).map(([name, dims]) => ({ name, dataType: 1, dims })),
    valueInfo: Object.entries(spec.valueInfo ?? {}).map(([name, dims]) => ({ name, dataType: 1, dims })),
    initializers: Object.entries(spec.weights ?? {}).map(([name, tensor]) =>
      Array.isArray(tensor) ? { name, dims: tensor, dataType: 1 } : { ...tensor, name },
    ),
  };
}
