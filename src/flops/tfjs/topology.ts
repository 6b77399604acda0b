import { RunmeterError } from '../../model/errors.js';

// Finding the Keras-style topology in what TF.js hands us: a model.json (`modelTopology`, as tfjs writes it, or
// `modelTopology.model_config`, as tensorflowjs_converter writes Keras models), a bare topology, or a live
// tf.LayersModel (its `toJSON(null, false)`).

/** One layer's entry in a topology: its class, its config, and (in functional models) where its inputs come from. */
export interface LayerSpec {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

/** Anything with a tf.LayersModel's `toJSON`. */
export interface TfjsModelLike {
  toJSON(unused?: unknown, returnString?: boolean): unknown;
}

/** True when the value looks like a tf.LayersModel. */
export function isTfjsModelLike(value: unknown): value is TfjsModelLike {
  return typeof value === 'object' && value !== null && typeof (value as TfjsModelLike).toJSON === 'function' && 'layers' in value;
}

function isLayerSpec(value: unknown): value is LayerSpec {
  return typeof value === 'object' && value !== null && typeof (value as LayerSpec).class_name === 'string' && typeof (value as LayerSpec).config === 'object';
}

/** The model's topology, from a model.json object, a bare topology, or a tf.LayersModel. */
export function findTopology(source: unknown, where = 'the model'): LayerSpec {
  let value = source;
  if (isTfjsModelLike(value)) value = value.toJSON(null, false);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new RunmeterError('E_MODEL', `${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (typeof value === 'object' && value !== null && 'format' in value && (value as { format: unknown }).format === 'graph-model') {
    throw new RunmeterError('E_MODEL', `${where} is a TF.js graph model: runmeter counts TF.js layers models (format "layers-model") and ONNX graphs`);
  }
  if (typeof value === 'object' && value !== null && 'modelTopology' in value) value = (value as { modelTopology: unknown }).modelTopology;
  if (typeof value === 'object' && value !== null && 'model_config' in value) value = (value as { model_config: unknown }).model_config;
  if (!isLayerSpec(value)) {
    throw new RunmeterError(
      'E_MODEL',
      `${where} is not a TF.js layers model: expected a model.json with modelTopology {class_name, config}, or a tf.LayersModel`,
    );
  }
  return value;
}

/** A reference to one output tensor of one application of a layer. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** The tensors one application (inbound node) of a layer takes, in both Keras 2 and Keras 3 serializations. */
export function inboundRefs(inboundNode: unknown): TensorRef[] {
  const refs: TensorRef[] = [];
  if (Array.isArray(inboundNode) && inboundNode.every((entry) => Array.isArray(entry))) {
    // Keras 2 / tfjs: [[layerName, nodeIndex, tensorIndex, kwargs], ...]
    for (const entry of inboundNode as unknown[][]) refs.push({ layer: String(entry[0]), node: Number(entry[1] ?? 0), tensor: Number(entry[2] ?? 0) });
    return refs;
  }
  // Keras 3: {args: [...], kwargs: {...}} with tensors as {class_name: "__keras_tensor__", config: {keras_history}}.
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const history = (value as { config?: { keras_history?: unknown[] } }).config?.keras_history;
      if ((value as { class_name?: unknown }).class_name === '__keras_tensor__' && Array.isArray(history)) {
        refs.push({ layer: String(history[0]), node: Number(history[1] ?? 0), tensor: Number(history[2] ?? 0) });
      } else Object.values(value).forEach(visit);
    }
  };
  visit((inboundNode as { args?: unknown })?.args ?? inboundNode);
  return refs;
}

/** The layer list of a Sequential or functional config (old Keras wrote a Sequential's config as the bare list). */
export function layersOf(spec: LayerSpec): LayerSpec[] {
  const config = spec.config as unknown;
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown }).layers;
  return Array.isArray(layers) ? layers.filter(isLayerSpec) : [];
}

/** True for the layer classes that are whole models. */
export function isModelClass(className: string): boolean {
  return className === 'Sequential' || className === 'Model' || className === 'Functional';
}
