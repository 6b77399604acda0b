import { batchNormCost, layerNormCost, softmaxCost } from '../costs.js';
import { broadcast, normalizeAxis, product } from '../ops/shape-math.js';
import { activationCost, biasAndActivation, type LayerConfig, type LayerResult, type LayerRule } from './layer-config.js';

// Core, activation, normalization, merge, reshaping and recurrent layers of Keras / TF.js.

const none = (outputs: number[][]): LayerResult => ({ outputs, macs: 0, flops: 0, params: 0 });

const dense: LayerRule = (config, [input = []]) => {
  const units = config.number('units', 1);
  const features = input[input.length - 1] ?? 1;
  const shape = [...input.slice(0, -1), units];
  const params = features * units + (config.boolean('use_bias', true) ? units : 0);
  return { outputs: [shape], macs: product(input.slice(0, -1)) * features * units, flops: biasAndActivation(config, shape), params };
};

/** A layer that applies a fixed per-element cost and keeps the shape. */
function elementwise(cost: (config: LayerConfig) => number, params: (config: LayerConfig, shape: number[]) => number = () => 0): LayerRule {
  return (config, [input = []]) => ({ outputs: [input], macs: 0, flops: product(input) * cost(config), params: params(config, input) });
}

/** Size of the normalized axis (or axes) of BatchNormalization and LayerNormalization. */
function featureCount(config: LayerConfig, shape: number[]): number {
  const raw = config.raw.axis;
  const axes = Array.isArray(raw) ? raw.map(Number) : [typeof raw === 'number' ? raw : -1];
  return product(axes.map((axis) => shape[normalizeAxis(axis, shape.length)] ?? 1));
}

/** Add, Multiply, ...: the inputs broadcast together; (n − 1) operations per output element (n for Average). */
function merge(extra: number): LayerRule {
  return (_config, inputs) => {
    const shape = broadcast(...inputs);
    return { outputs: [shape], macs: 0, flops: product(shape) * (inputs.length - 1 + extra), params: 0 };
  };
}

const concatenate: LayerRule = (config, inputs) => {
  const first = inputs[0] ?? [];
  const axis = normalizeAxis(config.number('axis', -1), first.length);
  const shape = [...first];
  shape[axis] = inputs.reduce((sum, input) => sum + (input[axis] ?? 0), 0);
  return none([shape]);
};

const reshape: LayerRule = (config, [input = []]) => {
  const target = (Array.isArray(config.raw.target_shape) ? config.raw.target_shape : []).map((dim) => (typeof dim === 'number' ? dim : -1));
  const known = product(target.filter((dim) => dim !== -1));
  return none([[input[0] ?? 1, ...target.map((dim) => (dim === -1 ? product(input.slice(1)) / known : dim))]]);
};

const permute: LayerRule = (config, [input = []]) => {
  const dims = Array.isArray(config.raw.dims) ? config.raw.dims.map(Number) : [];
  return none([[input[0] ?? 1, ...dims.map((dim) => input[dim] ?? 1)]]);
};

const embedding: LayerRule = (config, [input = []]) => {
  const width = config.number('output_dim', 1);
  return { outputs: [[...input, width]], macs: 0, flops: 0, params: config.number('input_dim', 0) * width };
};

/**
 * Recurrent layers: per time step, each of the g gates multiplies [x_t, h_{t−1}] by its weights: g·(F + units)·units
 * MACs. Other FLOPs per unit and step: SimpleRNN bias + tanh (2); GRU 3 biases, 2 sigmoids, a tanh, 5 products and
 * sums (17, 20 with reset_after); LSTM 4 biases, 3 sigmoids, 2 tanh, 3 products, a sum (22).
 */
function recurrent(gates: number, perUnit: (config: LayerConfig) => number, extraBias: (config: LayerConfig) => number): LayerRule {
  return (config, [input = []]) => {
    const [batch = 1, steps = 1, features = 1] = input;
    const units = config.number('units', 1);
    const output = config.boolean('return_sequences', false) ? [batch, steps, units] : [batch, units];
    const states = config.boolean('return_state', false) ? new Array<number[]>(gates === 4 ? 2 : 1).fill([batch, units]) : [];
    const biases = config.boolean('use_bias', true) ? gates * units + extraBias(config) : 0;
    return {
      outputs: [output, ...states],
      macs: batch * steps * gates * (features + units) * units,
      flops: batch * steps * units * perUnit(config),
      params: gates * (features * units + units * units) + biases,
    };
  };
}

const gruResetAfter = (config: LayerConfig) => config.boolean('reset_after', false);

/** Rules for the core layers. */
export const coreLayers: Record<string, LayerRule> = {
  InputLayer: (_config, inputs) => none(inputs),
  Dense: dense,
  Activation: elementwise((config) => activationCost(config.raw.activation)),
  ReLU: elementwise((config) => (config.raw.max_value === null || config.raw.max_value === undefined ? 1 : 2)),
  LeakyReLU: elementwise(() => 2),
  PReLU: elementwise(
    () => 2,
    (_config, shape) => product(shape.slice(1)),
  ),
  ELU: elementwise(() => 3),
  ThresholdedReLU: elementwise(() => 1),
  Softmax: elementwise(() => softmaxCost),
  BatchNormalization: elementwise(
    () => batchNormCost,
    (config, shape) => 4 * featureCount(config, shape),
  ),
  LayerNormalization: elementwise(
    () => layerNormCost,
    (config, shape) => (Number(config.boolean('center', true)) + Number(config.boolean('scale', true))) * featureCount(config, shape),
  ),
  Dropout: (_config, [input = []]) => none([input]),
  SpatialDropout1D: (_config, [input = []]) => none([input]),
  SpatialDropout2D: (_config, [input = []]) => none([input]),
  SpatialDropout3D: (_config, [input = []]) => none([input]),
  AlphaDropout: (_config, [input = []]) => none([input]),
  GaussianDropout: (_config, [input = []]) => none([input]),
  GaussianNoise: (_config, [input = []]) => none([input]),
  ActivityRegularization: (_config, [input = []]) => none([input]),
  Masking: (_config, [input = []]) => none([input]),
  Flatten: (_config, [input = []]) => none([[input[0] ?? 1, product(input.slice(1))]]),
  Reshape: reshape,
  Permute: permute,
  RepeatVector: (config, [input = []]) => none([[input[0] ?? 1, config.number('n', 1), ...input.slice(1)]]),
  Add: merge(0),
  Subtract: merge(0),
  Multiply: merge(0),
  Maximum: merge(0),
  Minimum: merge(0),
  Average: merge(1),
  Concatenate: concatenate,
  Embedding: embedding,
  SimpleRNN: recurrent(
    1,
    () => 2,
    () => 0,
  ),
  GRU: recurrent(
    3,
    (config) => (gruResetAfter(config) ? 20 : 17),
    (config) => (gruResetAfter(config) ? 3 * config.number('units', 1) : 0),
  ),
  LSTM: recurrent(
    4,
    () => 22,
    () => 0,
  ),
};
