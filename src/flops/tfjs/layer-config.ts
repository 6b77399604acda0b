import { unaryCost } from '../costs.js';
import { product } from '../ops/shape-math.js';

// Reading a Keras layer config, and what every layer rule returns.

/** Output shapes (batch dim included) and cost of one application of a layer. */
export interface LayerResult {
  outputs: number[][];
  macs: number;
  /** FLOPs besides 2 × macs (bias adds, activations, normalization, pooling). */
  flops: number;
  params: number;
}

/** A layer rule: the application of one layer class to input shapes. */
export type LayerRule = (config: LayerConfig, inputs: number[][]) => LayerResult;

/** Typed access to a layer's config (snake_case keys, as tfjs and Keras serialize them). */
export class LayerConfig {
  constructor(readonly raw: Record<string, unknown>) {}

  number(key: string, fallback: number): number {
    const value = this.raw[key];
    return typeof value === 'number' ? value : fallback;
  }

  /** An int or a tuple, spread to `rank` entries (kernel_size: 3 means [3, 3] for a 2-D convolution). */
  tuple(key: string, rank: number, fallback: number): number[] {
    const value = this.raw[key];
    if (typeof value === 'number') return new Array<number>(rank).fill(value);
    if (Array.isArray(value)) return Array.from({ length: rank }, (_, axis) => (typeof value[axis] === 'number' ? (value[axis] as number) : fallback));
    return new Array<number>(rank).fill(fallback);
  }

  string(key: string, fallback: string): string {
    const value = this.raw[key];
    return typeof value === 'string' ? value : fallback;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw[key];
    return typeof value === 'boolean' ? value : fallback;
  }

  channelsFirst(): boolean {
    return this.string('data_format', 'channels_last') === 'channels_first';
  }
}

const activationCosts: Record<string, number> = {
  linear: 0,
  relu: unaryCost.Relu ?? 1,
  relu6: 2,
  sigmoid: unaryCost.Sigmoid ?? 4,
  hard_sigmoid: unaryCost.HardSigmoid ?? 4,
  hardsigmoid: unaryCost.HardSigmoid ?? 4,
  tanh: 1,
  elu: unaryCost.Elu ?? 3,
  selu: unaryCost.Selu ?? 4,
  softplus: unaryCost.Softplus ?? 3,
  softsign: unaryCost.Softsign ?? 3,
  swish: (unaryCost.Sigmoid ?? 4) + 1,
  silu: (unaryCost.Sigmoid ?? 4) + 1,
  gelu: unaryCost.Gelu ?? 5,
  mish: unaryCost.Mish ?? 5,
  exponential: 1,
  leaky_relu: 2,
  leakyrelu: 2,
  softmax: 5,
  log_softmax: 6,
  logsoftmax: 6,
};

/** FLOPs per element of a Keras activation (by its serialized name); unknown names count 1. */
export function activationCost(activation: unknown): number {
  const name = typeof activation === 'string' ? activation : ((activation as { class_name?: string; config?: { name?: string } })?.config?.name ?? '');
  return activationCosts[name.toLowerCase().replace(/-/g, '_')] ?? (name === '' ? 0 : 1);
}

/** Bias add and activation FLOPs of a layer that ends with both. */
export function biasAndActivation(config: LayerConfig, output: readonly number[]): number {
  const bias = config.boolean('use_bias', true) ? 1 : 0;
  return product(output) * (bias + activationCost(config.raw.activation));
}
