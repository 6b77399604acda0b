import type { AttributeValue, GraphNode, GraphTensor } from '../types.js';

/** What is known of a tensor while counting: its shape, element type, and its values when small and computable. */
export interface TensorInfo {
  shape: number[];
  dataType: number;
  value?: number[];
}

/** The cost of one node: multiply-accumulates, and the other FLOPs (FLOPs in total = 2 × macs + flops). */
export interface Cost {
  macs: number;
  flops: number;
}

/** How runmeter handles one operator type: the shapes (and small values) of its outputs, and its cost. */
export interface OpRule {
  infer(call: OpCall): Array<TensorInfo | undefined>;
  cost?(call: OpCall, outputs: TensorInfo[]): Cost;
}

/** Thrown by a rule that needs an input's shape or value that is not known; the node's outputs become unknown. */
export class UnknownInput extends Error {
  /** True when the cause lies upstream (an input of unknown shape), false when it starts at this node. */
  readonly upstream: boolean;

  constructor(reason: string, upstream = false) {
    super(reason);
    this.upstream = upstream;
  }
}

/** Thrown by a rule when the node contradicts the operator's definition (shapes that do not fit, ...). */
export class ShapeError extends Error {}

/** One node being counted: its inputs as known so far, its attributes, and the operator set version in force. */
export class OpCall {
  constructor(
    readonly node: GraphNode,
    readonly inputs: Array<TensorInfo | undefined>,
    readonly opset: number,
  ) {}

  /** True when the optional input at `index` is given. */
  has(index: number): boolean {
    const name = this.node.inputs[index];
    return name !== undefined && name !== '';
  }

  /** The input at `index`; throws UnknownInput when it is absent or its shape is unknown. */
  input(index: number): TensorInfo {
    const tensor = this.inputs[index];
    if (tensor === undefined) {
      throw this.has(index) ? new UnknownInput(`input ${index} has an unknown shape`, true) : new UnknownInput(`required input ${index} is missing`);
    }
    return tensor;
  }

  /** Shape of the input at `index`. */
  shape(index: number): number[] {
    return this.input(index).shape;
  }

  /** Values of the input at `index`; throws UnknownInput when they cannot be computed before running the model. */
  value(index: number): number[] {
    const tensor = this.input(index);
    if (tensor.value === undefined) throw new UnknownInput(`the values of input ${index} (${this.node.inputs[index]}) are computed at run time`);
    return tensor.value;
  }

  /** Values of an optional input, or undefined when the input is absent. */
  optionalValue(index: number): number[] | undefined {
    return this.has(index) ? this.value(index) : undefined;
  }

  /** An attribute as stored; the typed readers below fall back when it is absent or of another kind. */
  attribute(name: string): AttributeValue | undefined {
    return this.node.attributes[name];
  }

  int(name: string, fallback: number): number {
    const value = this.node.attributes[name];
    return typeof value === 'number' ? value : fallback;
  }

  /** A float attribute; ints and floats are both numbers here, the name only says what ONNX declares. */
  float(name: string, fallback: number): number {
    return this.int(name, fallback);
  }

  ints(name: string): number[] | undefined {
    const value = this.node.attributes[name];
    if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
    return undefined;
  }

  string(name: string, fallback: string): string {
    const value = this.node.attributes[name];
    return typeof value === 'string' ? value : fallback;
  }

  tensor(name: string): GraphTensor | undefined {
    const value = this.node.attributes[name];
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'dims' in value ? value : undefined;
  }
}
