import { findRule } from '../ops/index.js';
import { type Cost, OpCall, ShapeError, type TensorInfo, UnknownInput } from '../ops/rule.js';
import { foldable } from '../ops/values.js';
import type { GraphNode, GraphTensor, GraphValue, ModelGraph, NodeCount } from '../types.js';
import { bindDims } from './inputs.js';
import { DataType, tensorValues } from './tensor-values.js';
import { topologicalOrder } from './toposort.js';

// Walking an ONNX graph's nodes in order: each output's shape (and small values) from the operator's rule, and each
// node's cost. An operator without a rule, or a shape that cannot be known before running the model, makes that node
// count as zero and is recorded, never thrown. An If whose condition is known counts the branch it takes.

/** What went unknown during a walk: operators without rules, and nodes whose outputs could not be inferred. */
export interface Tally {
  unknownOps: Map<string, number>;
  /** Nodes whose outputs could not be inferred, with the first reason found for each; `origin` when it starts there. */
  unknownShapes: Array<{ node: GraphNode; reason: string; origin: boolean }>;
}

/** One walk over a graph (and the branches it takes): the known tensors by name, and every node's count. */
export class GraphWalk {
  readonly env = new Map<string, TensorInfo>();
  readonly nodes: NodeCount[] = [];
  readonly tally: Tally = { unknownOps: new Map(), unknownShapes: [] };
  private readonly declared = new Map<string, GraphValue>();

  constructor(
    private readonly opsets: Record<string, number>,
    private readonly symbols: Map<string, number>,
  ) {}

  /** Adds a graph's initializers and declared shapes, then counts its nodes. */
  walk(graph: ModelGraph): void {
    // Indexed loops here and below: a count runs once per process, cold, where each for-of step allocates.
    for (let i = 0; i < graph.initializers.length; i++) {
      const tensor = graph.initializers[i] as GraphTensor;
      const value = tensorValues(tensor);
      this.env.set(tensor.name, value ? { shape: tensor.dims, dataType: tensor.dataType, value } : { shape: tensor.dims, dataType: tensor.dataType });
    }
    for (let i = 0; i < graph.valueInfo.length; i++) this.declared.set((graph.valueInfo[i] as GraphValue).name, graph.valueInfo[i] as GraphValue);
    for (let i = 0; i < graph.outputs.length; i++) this.declared.set((graph.outputs[i] as GraphValue).name, graph.outputs[i] as GraphValue);
    const nodes = topologicalOrder(graph.nodes);
    for (let i = 0; i < nodes.length; i++) this.countNode(nodes[i] as GraphNode);
  }

  private countNode(node: GraphNode): void {
    const inputs = new Array<TensorInfo | undefined>(node.inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const name = node.inputs[i] as string;
      inputs[i] = name === '' ? undefined : this.env.get(name);
    }
    const standardOpset = this.opsets[''] ?? 0;
    const call = new OpCall(node, inputs, this.opsets[node.domain] ?? standardOpset);
    const counted = node.domain === '' && node.opType === 'If' ? this.countIf(call) : this.applyRule(call);
    for (let index = 0; index < node.outputs.length; index++) {
      const name = node.outputs[index] as string;
      let output = counted.outputs[index];
      if (output === undefined) {
        // Fall back on the shape the file declares, when it declares a complete one.
        const dims = bindDims(this.declared.get(name), this.symbols);
        if (dims !== undefined) output = { shape: dims, dataType: this.declared.get(name)?.dataType ?? DataType.float };
      } else if (output.value !== undefined && !foldable(output.shape)) {
        output = { shape: output.shape, dataType: output.dataType };
      }
      if (output !== undefined && name !== '') this.env.set(name, output);
    }
    this.nodes.push(counted.count);
  }

  /** If: with a known condition, the branch taken is counted in place and its outputs become the node's. */
  private countIf(call: OpCall): Counted {
    const count = emptyCount(call.node);
    let branch: ModelGraph | undefined;
    try {
      const [condition] = call.value(0);
      const attribute = call.attribute(condition ? 'then_branch' : 'else_branch');
      if (typeof attribute !== 'object' || attribute === null || !('nodes' in attribute)) throw new ShapeError('expected then_branch and else_branch graphs');
      branch = attribute;
    } catch (error) {
      return this.unknownShape(call.node, count, error, 'the branch If takes is decided at run time');
    }
    this.walk(branch);
    const outputs = branch.outputs.map((output) => this.env.get(output.name));
    if (outputs.length > 0 && outputs.every((output) => output?.value !== undefined)) count.note = 'shape-arithmetic';
    if (outputs[0] !== undefined) count.shape = outputs[0].shape;
    return { outputs, count };
  }

  private applyRule(call: OpCall): Counted {
    const { node } = call;
    const count = emptyCount(node);
    const rule = findRule(node.domain, node.opType);
    if (rule === undefined) {
      this.tally.unknownOps.set(count.opType, (this.tally.unknownOps.get(count.opType) ?? 0) + 1);
      count.note = 'unknown-op';
      return { outputs: [], count };
    }
    let outputs: Array<TensorInfo | undefined>;
    try {
      outputs = rule.infer(call);
      for (let i = 0; i < outputs.length; i++) {
        const output = outputs[i];
        if (output !== undefined) checkShape(output.shape);
      }
    } catch (error) {
      return this.unknownShape(node, count, error);
    }
    const first = outputs[0];
    if (first !== undefined) count.shape = first.shape;
    const known: TensorInfo[] = [];
    let allValues = true;
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs[i];
      if (output === undefined) continue;
      known.push(output);
      if (output.value === undefined) allValues = false;
    }
    if (known.length > 0 && allValues) {
      count.note = 'shape-arithmetic';
      return { outputs, count };
    }
    if (rule.cost !== undefined && known.length === outputs.length) {
      let cost: Cost;
      try {
        cost = rule.cost(call, known);
      } catch (error) {
        this.unknownShape(node, count, error);
        return { outputs, count };
      }
      count.macs = cost.macs;
      count.flops = 2 * cost.macs + cost.flops;
    }
    return { outputs, count };
  }

  private unknownShape(node: GraphNode, count: NodeCount, error: unknown, originReason?: string): Counted {
    const upstream = error instanceof UnknownInput && error.upstream;
    const reason = !upstream && originReason !== undefined ? originReason : error instanceof Error ? error.message : String(error);
    this.tally.unknownShapes.push({ node, reason, origin: !upstream });
    count.note = 'unknown-shape';
    return { outputs: [], count };
  }
}

interface Counted {
  outputs: Array<TensorInfo | undefined>;
  count: NodeCount;
}

function opName(node: GraphNode): string {
  return node.domain === '' ? node.opType : `${node.domain}.${node.opType}`;
}

function emptyCount(node: GraphNode): NodeCount {
  return { name: node.name || node.outputs[0] || node.opType, opType: opName(node), macs: 0, flops: 0 };
}

/** Shape arithmetic gone wrong (a division by zero, a negative size) must not turn into NaN counts. */
function checkShape(shape: readonly number[]): void {
  for (let i = 0; i < shape.length; i++) {
    const dim = shape[i] as number;
    if (!Number.isSafeInteger(dim) || dim < 0) throw new ShapeError(`inferred an impossible shape [${shape.join(',')}]`);
  }
}
