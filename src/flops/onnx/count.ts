import { buildReport } from '../report.js';
import type { CountOptions, FlopsReport, ModelGraph } from '../types.js';
import { resolveInputs } from './inputs.js';
import { countParams } from './params.js';
import { DataType } from './tensor-values.js';
import { GraphWalk, type Tally } from './walk.js';

// Counting an ONNX graph: bind the inputs' dims, walk the nodes (walk.ts), add up the costs, and say what went unknown.

/** Counts the MACs, FLOPs and parameters of an ONNX graph. */
export function countOnnx(graph: ModelGraph, options: CountOptions = {}): FlopsReport {
  const resolved = resolveInputs(graph, options);
  const walk = new GraphWalk(graph.opsets, resolved.symbols);
  for (const input of graph.inputs) {
    const shape = resolved.shapes.get(input.name);
    if (shape !== undefined) walk.env.set(input.name, { shape, dataType: input.dataType || DataType.float });
  }
  walk.walk(graph);
  const warnings = [...resolved.warnings, ...describeUnknowns(walk.tally)];
  const scale = resolved.scale * (options.training ? 3 : 1);
  return buildReport({
    format: 'onnx',
    nodes: walk.nodes,
    params: countParams(graph),
    batch: resolved.batch,
    inputs: Object.fromEntries(resolved.shapes),
    unknownOps: walk.tally.unknownOps.keys(),
    warnings,
    scale,
    passes: options.training ? 3 : 1,
    perNode: options.perNode ?? false,
  });
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
