import { findRule } from '../ops/index.js';
import { type Cost, OpCall, ShapeError, type TensorInfo, UnknownInput } from '../ops/rule.js';
import { foldable } from '../ops/values.js';
import { buildReport } from '../report.js';
import type { CountOptions, FlopsReport, GraphNode, GraphValue, ModelGraph, NodeCount } from '../types.js';
import { bindDims, resolveInputs } from './inputs.js';
import { countParams } from './params.js';
import { DataType, tensorValues } from './tensor-values.js';
import { topologicalOrder } from './toposort.js';

// Counting an ONNX graph: walk the nodes in order, infer each output's shape (and small values) with the
// operator's rule, and add up the costs. An operator without a rule, or a shape that cannot be known before
// running the model, makes that node count as zero and is reported, never thrown.

interface Tally {
  unknownOps: Map<string, number>;
  /** Nodes whose outputs could not be inferred, with the first reason found for each. */
  unknownShapes: Array<{ node: GraphNode; reason: string; origin: boolean }>;
}

/** Counts the MACs, FLOPs and parameters of an ONNX graph. */
export function countOnnx(graph: ModelGraph, options: CountOptions = {}): FlopsReport {
  const resolved = resolveInputs(graph, options);
  const env = new Map<string, TensorInfo>();
  for (const tensor of graph.initializers) {
    const value = tensorValues(tensor);
    env.set(tensor.name, value ? { shape: tensor.dims, dataType: tensor.dataType, value } : { shape: tensor.dims, dataType: tensor.dataType });
  }
  for (const input of graph.inputs) {
    const shape = resolved.shapes.get(input.name);
    if (shape !== undefined) env.set(input.name, { shape, dataType: input.dataType || DataType.float });
  }
  const declared = new Map<string, GraphValue>();
  for (const value of [...graph.valueInfo, ...graph.outputs]) declared.set(value.name, value);
  const tally: Tally = { unknownOps: new Map(), unknownShapes: [] };
  const standardOpset = graph.opsets[''] ?? 0;
  const nodes: NodeCount[] = [];
  for (const node of topologicalOrder(graph.nodes)) {
    const inputs = node.inputs.map((name) => (name === '' ? undefined : env.get(name)));
    const call = new OpCall(node, inputs, graph.opsets[node.domain] ?? standardOpset);
    const counted = countNode(call, tally);
    for (let index = 0; index < node.outputs.length; index++) {
      const name = node.outputs[index] as string;
      let output = counted.outputs[index];
      if (output === undefined) {
        // Fall back on the shape the file declares, when it declares a complete one.
        const dims = bindDims(declared.get(name), resolved.symbols);
        if (dims !== undefined) output = { shape: dims, dataType: declared.get(name)?.dataType ?? DataType.float };
      } else if (output.value !== undefined && !foldable(output.shape)) {
        output = { shape: output.shape, dataType: output.dataType };
      }
      if (output !== undefined && name !== '') env.set(name, output);
    }
    nodes.push(counted.count);
  }
  const warnings = [...resolved.warnings, ...describeUnknowns(tally)];
  const scale = resolved.scale * (options.training ? 3 : 1);
  return buildReport({
    format: 'onnx',
    nodes,
    params: countParams(graph),
    batch: resolved.batch,
    inputs: Object.fromEntries(resolved.shapes),
    unknownOps: tally.unknownOps.keys(),
    warnings,
    scale,
    passes: options.training ? 3 : 1,
    perNode: options.perNode ?? false,
  });
}

function opName(node: GraphNode): string {
  return node.domain === '' ? node.opType : `${node.domain}.${node.opType}`;
}

function countNode(call: OpCall, tally: Tally): { outputs: Array<TensorInfo | undefined>; count: NodeCount } {
  const { node } = call;
  const count: NodeCount = { name: node.name || node.outputs[0] || node.opType, opType: opName(node), macs: 0, flops: 0 };
  const rule = findRule(node.domain, node.opType);
  if (rule === undefined) {
    tally.unknownOps.set(count.opType, (tally.unknownOps.get(count.opType) ?? 0) + 1);
    count.note = 'unknown-op';
    return { outputs: [], count };
  }
  let outputs: Array<TensorInfo | undefined>;
  try {
    outputs = rule.infer(call);
    for (const output of outputs) if (output !== undefined) checkShape(output.shape);
  } catch (error) {
    const origin = !(error instanceof UnknownInput && error.upstream);
    tally.unknownShapes.push({ node, reason: error instanceof Error ? error.message : String(error), origin });
    count.note = 'unknown-shape';
    return { outputs: [], count };
  }
  const first = outputs[0];
  if (first !== undefined) count.shape = first.shape;
  const known = outputs.filter((output): output is TensorInfo => output !== undefined);
  if (known.length > 0 && known.every((output) => output.value !== undefined)) {
    count.note = 'shape-arithmetic';
    return { outputs, count };
  }
  if (rule.cost !== undefined && known.length === outputs.length) {
    let cost: Cost;
    try {
      cost = rule.cost(call, known);
    } catch (error) {
      tally.unknownShapes.push({ node, reason: error instanceof Error ? error.message : String(error), origin: true });
      count.note = 'unknown-shape';
      return { outputs, count };
    }
    count.macs = cost.macs;
    count.flops = 2 * cost.macs + cost.flops;
  }
  return { outputs, count };
}

/** Shape arithmetic gone wrong (a division by zero, a negative size) must not turn into NaN counts. */
function checkShape(shape: readonly number[]): void {
  for (const dim of shape) if (!Number.isSafeInteger(dim) || dim < 0) throw new ShapeError(`inferred an impossible shape [${shape.join(',')}]`);
}

function describeUnknowns(tally: Tally): string[] {
  const warnings: string[] = [];
  for (const [op, nodes] of tally.unknownOps) {
    warnings.push(`unknown operator ${op} (${nodes} node${nodes === 1 ? '' : 's'}): counted as 0`);
  }
  for (const { node, reason } of tally.unknownShapes.filter((entry) => entry.origin).slice(0, 10)) {
    warnings.push(`${node.opType} node ${node.name || node.outputs[0]}: shape unknown (${reason}); counted as 0`);
  }
  const downstream = tally.unknownShapes.filter((entry) => !entry.origin).length;
  if (downstream > 0) {
    warnings.push(`${downstream} node${downstream === 1 ? '' : 's'} downstream of unknown shapes counted as 0: the MACs and FLOPs are a lower bound`);
  }
  return warnings;
}
