import { UsageError } from '../../model/errors.js';
import { buildReport } from '../report.js';
import type { CountOptions, FlopsReport, NodeCount } from '../types.js';
import { LayerConfig, type LayerResult } from './layer-config.js';
import { convLayers } from './layers-conv.js';
import { coreLayers } from './layers-core.js';
import { inboundRefs, isModelClass, type LayerSpec, layersOf, type TensorRef } from './topology.js';

// Counting a TF.js / Keras layers model: walk its layers (Sequential in order, functional models along their
// inbound nodes, nested models recursively), give each layer application its input shapes, and add up the costs.

const rules = { ...coreLayers, ...convLayers };

type Shapes = Array<number[] | undefined>;

interface Walk {
  options: CountOptions;
  nodes: NodeCount[];
  unknownOps: string[];
  unknownShapes: number;
  params: number;
  paramsCounted: Set<string>;
  warnings: string[];
  inputs: Record<string, number[] | undefined>;
}

/** Counts the MACs, FLOPs and parameters of a TF.js layers-model topology. */
export function countTfjs(topology: LayerSpec, options: CountOptions = {}): FlopsReport {
  const walk: Walk = { options, nodes: [], unknownOps: [], unknownShapes: 0, params: 0, paramsCounted: new Set(), warnings: [], inputs: {} };
  applyModel(topology, undefined, '', walk);
  const given = Object.keys(options.inputs ?? {}).filter((name) => !(name in walk.inputs));
  if (given.length > 0)
    throw new UsageError(`--input ${given[0]}: the model has no input named "${given[0]}"; its inputs are ${Object.keys(walk.inputs).join(', ')}`);
  for (const op of new Set(walk.unknownOps)) {
    const count = walk.unknownOps.filter((name) => name === op).length;
    walk.warnings.push(`unknown layer ${op} (${count} layer${count === 1 ? '' : 's'}): counted as 0`);
  }
  if (walk.unknownShapes > 0)
    walk.warnings.push(
      `${walk.unknownShapes} layer${walk.unknownShapes === 1 ? '' : 's'} with unknown input shapes counted as 0: the MACs and FLOPs are a lower bound`,
    );
  // Layers never bake the batch in: it is the asked one, unless an input was given whole.
  const batch = Object.values(walk.inputs).find((dims) => dims !== undefined && dims.length > 0)?.[0] ?? options.batch ?? 1;
  if (options.batch !== undefined && batch !== options.batch) {
    walk.warnings.push(`--batch ${options.batch} not applied: the inputs are given with --input; counted as the inputs are, at ${batch}`);
  }
  return buildReport({
    format: 'tfjs',
    nodes: walk.nodes,
    params: walk.params,
    batch,
    inputs: walk.inputs,
    unknownOps: walk.unknownOps,
    warnings: walk.warnings,
    scale: options.training ? 3 : 1,
    passes: options.training ? 3 : 1,
    perNode: options.perNode ?? false,
  });
}

function layerName(spec: LayerSpec): string {
  return spec.name ?? String(spec.config.name ?? spec.class_name);
}

/** The shape an input layer declares, with the batch filled in; undefined when another dim has no value. */
function declaredInput(name: string, config: Record<string, unknown>, walk: Walk, topLevel: boolean): number[] | undefined {
  const given = topLevel ? walk.options.inputs?.[name] : undefined;
  let shape: number[] | undefined = given ? [...given] : undefined;
  if (shape === undefined) {
    const declared = (config.batch_input_shape ?? config.batch_shape ?? (Array.isArray(config.input_shape) ? [null, ...config.input_shape] : undefined)) as
      | Array<number | null>
      | undefined;
    if (declared === undefined) return undefined;
    const missing = declared.slice(1).some((dim) => typeof dim !== 'number');
    if (missing) walk.warnings.push(`input ${name} has dims without a value (${declared.map((d) => d ?? '?').join('x')}): give them with --input ${name}=DIMS`);
    // Layers never bake the batch into their configs, so an asked-for batch replaces even a fixed one.
    else shape = [walk.options.batch ?? (typeof declared[0] === 'number' ? declared[0] : 1), ...(declared.slice(1) as number[])];
  }
  if (topLevel) walk.inputs[name] = shape;
  return shape;
}

function applyModel(spec: LayerSpec, inputs: Shapes | undefined, prefix: string, walk: Walk): Shapes {
  const topLevel = inputs === undefined;
  const layers = layersOf(spec);
  if (spec.class_name === 'Sequential') {
    const first = layers[0];
    if (first === undefined) return inputs ?? [];
    let current: Shapes = inputs ?? [
      declaredInput(first.class_name === 'InputLayer' ? layerName(first) : `${layerName(first)}_input`, first.config, walk, topLevel),
    ];
    for (const layer of layers) {
      if (layer.class_name !== 'InputLayer') current = applyLayer(layer, current, prefix, walk);
    }
    return current;
  }
  const config = spec.config as { input_layers?: unknown[]; output_layers?: unknown[] };
  const tensors = new Map<string, number[] | undefined>();
  const key = (ref: TensorRef) => `${ref.layer}\u0000${ref.node}\u0000${ref.tensor}`;
  const refsOf = (list: unknown[] | undefined): TensorRef[] => (Array.isArray(list) ? inboundRefs(list.every(Array.isArray) ? list : [list]) : []);
  const modelInputs = refsOf(config.input_layers);
  modelInputs.forEach((ref, index) => {
    const layer = layers.find((candidate) => layerName(candidate) === ref.layer);
    tensors.set(key(ref), inputs ? inputs[index] : declaredInput(ref.layer, layer?.config ?? {}, walk, topLevel));
  });
  // A nested model's own construction is its node 0, so references to its applications start at 1.
  const lookup = (ref: TensorRef) => {
    for (const node of [ref.node, ref.node + 1, ref.node - 1]) {
      const found = key({ ...ref, node });
      if (tensors.has(found)) return tensors.get(found);
    }
    return undefined;
  };
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') continue;
    const offset = isModelClass(layer.class_name) ? 1 : 0;
    (layer.inbound_nodes ?? []).forEach((inbound, index) => {
      const outputs = applyLayer(layer, inboundRefs(inbound).map(lookup), prefix, walk);
      outputs.forEach((shape, tensor) => {
        tensors.set(key({ layer: layerName(layer), node: index + offset, tensor }), shape);
      });
    });
  }
  return refsOf(config.output_layers).map(lookup);
}

function applyLayer(layer: LayerSpec, inputs: Shapes, prefix: string, walk: Walk): Shapes {
  const name = `${prefix}${layerName(layer)}`;
  if (isModelClass(layer.class_name)) return applyModel(layer, inputs, `${name}/`, walk);
  const inner = layer.config.layer as LayerSpec | undefined;
  if ((layer.class_name === 'TimeDistributed' || layer.class_name === 'Bidirectional') && inner !== undefined)
    return applyWrapper(layer, inner, inputs, name, walk);
  const rule = rules[layer.class_name];
  if (rule === undefined) {
    walk.unknownOps.push(layer.class_name);
    walk.nodes.push({ name, opType: layer.class_name, macs: 0, flops: 0, note: 'unknown-op' });
    return [undefined];
  }
  if (inputs.length === 0 || inputs.some((shape) => shape === undefined)) {
    walk.unknownShapes += 1;
    walk.nodes.push({ name, opType: layer.class_name, macs: 0, flops: 0, note: 'unknown-shape' });
    return [undefined];
  }
  let result: LayerResult;
  try {
    result = rule(new LayerConfig(layer.config), inputs as number[][]);
    for (const shape of result.outputs) {
      if (shape.some((dim) => !Number.isSafeInteger(dim) || dim < 0)) throw new Error(`inferred an impossible shape [${shape.join(',')}]`);
    }
  } catch (error) {
    // A config the rule cannot read is reported like an unknown shape: the count goes on.
    walk.warnings.push(`${layer.class_name} layer ${name}: ${error instanceof Error ? error.message : String(error)}; counted as 0`);
    walk.nodes.push({ name, opType: layer.class_name, macs: 0, flops: 0, note: 'unknown-shape' });
    return [undefined];
  }
  const first = result.outputs[0];
  walk.nodes.push({ name, opType: layer.class_name, macs: result.macs, flops: 2 * result.macs + result.flops, ...(first ? { shape: first } : {}) });
  if (!walk.paramsCounted.has(name)) {
    walk.paramsCounted.add(name);
    walk.params += result.params;
  }
  return result.outputs;
}

/** TimeDistributed applies its layer to every step (batch × steps samples); Bidirectional runs its RNN both ways. */
function applyWrapper(layer: LayerSpec, inner: LayerSpec, inputs: Shapes, name: string, walk: Walk): Shapes {
  const [input] = inputs;
  if (layer.class_name === 'TimeDistributed') {
    if (input === undefined) return applyLayer(inner, [undefined], `${name}/`, walk);
    const [batch = 1, steps = 1, ...rest] = input;
    const outputs = applyLayer(inner, [[batch * steps, ...rest]], `${name}/`, walk);
    return outputs.map((shape) => (shape ? [batch, steps, ...shape.slice(1)] : undefined));
  }
  const forward = applyLayer(inner, inputs, `${name}/forward_`, walk)[0];
  applyLayer((layer.config.backward_layer as LayerSpec | undefined) ?? inner, inputs, `${name}/backward_`, walk);
  const mode = layer.config.merge_mode === undefined ? 'concat' : layer.config.merge_mode;
  if (forward === undefined) return [undefined];
  if (mode === null) return [forward, forward];
  if (mode !== 'concat') return [forward];
  return [[...forward.slice(0, -1), 2 * (forward[forward.length - 1] ?? 0)]];
}
