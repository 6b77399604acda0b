import { product } from '../ops/shape-math.js';
import { biasAndActivation, type LayerConfig, type LayerResult, type LayerRule } from './layer-config.js';

// Convolution and pooling layers of Keras / TF.js, with Keras' output-length rules (conv_utils).

/** Keras conv_output_length. */
export function convLength(size: number, kernel: number, padding: string, stride: number, dilation = 1): number {
  const extent = kernel + (kernel - 1) * (dilation - 1);
  let length = size;
  if (padding === 'valid') length = size - extent + 1;
  else if (padding === 'full') length = size + extent - 1;
  return Math.floor((length + stride - 1) / stride);
}

/** Keras deconv_output_length. */
function deconvLength(size: number, kernel: number, padding: string, stride: number, dilation: number, outputPadding: number | undefined): number {
  const extent = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === undefined) {
    if (padding === 'valid') return size * stride + Math.max(extent - stride, 0);
    if (padding === 'full') return size * stride - (stride + extent - 2);
    return size * stride;
  }
  const pad = padding === 'same' ? Math.floor(extent / 2) : padding === 'valid' ? 0 : extent - 1;
  return (size - 1) * stride + extent - 2 * pad + outputPadding;
}

/** Splits a shape into batch, spatial dims and channels, per data_format. */
export function layout(config: LayerConfig, shape: readonly number[]): { batch: number; spatial: number[]; channels: number } {
  const first = config.channelsFirst();
  return {
    batch: shape[0] ?? 1,
    spatial: first ? shape.slice(2) : shape.slice(1, -1),
    channels: (first ? shape[1] : shape[shape.length - 1]) ?? 1,
  };
}

/** Reassembles a shape from batch, spatial dims and channels, per data_format. */
export function assemble(config: LayerConfig, batch: number, spatial: number[], channels: number): number[] {
  return config.channelsFirst() ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
}

type ConvKind = 'conv' | 'depthwise' | 'separable' | 'transpose';

function convolution(rank: number, kind: ConvKind): LayerRule {
  return (config, [input = []]): LayerResult => {
    const { batch, spatial, channels } = layout(config, input);
    const kernel = config.tuple('kernel_size', rank, 1);
    const strides = config.tuple('strides', rank, 1);
    const dilations = config.tuple('dilation_rate', rank, 1);
    const padding = config.string('padding', 'valid');
    const window = product(kernel);
    const multiplier = config.number('depth_multiplier', 1);
    if (kind === 'transpose') {
      const filters = config.number('filters', 1);
      const outputPadding = config.raw.output_padding === null || config.raw.output_padding === undefined ? undefined : config.tuple('output_padding', rank, 0);
      const out = spatial.map((size, axis) => deconvLength(size, kernel[axis] ?? 1, padding, strides[axis] ?? 1, dilations[axis] ?? 1, outputPadding?.[axis]));
      const shape = assemble(config, batch, out, filters);
      const params = window * channels * filters + (config.boolean('use_bias', true) ? filters : 0);
      return { outputs: [shape], macs: batch * product(spatial) * channels * filters * window, flops: biasAndActivation(config, shape), params };
    }
    const out = spatial.map((size, axis) => convLength(size, kernel[axis] ?? 1, padding, strides[axis] ?? 1, dilations[axis] ?? 1));
    const positions = batch * product(out);
    if (kind === 'depthwise') {
      const filters = channels * multiplier;
      const shape = assemble(config, batch, out, filters);
      const params = window * filters + (config.boolean('use_bias', true) ? filters : 0);
      return { outputs: [shape], macs: positions * filters * window, flops: biasAndActivation(config, shape), params };
    }
    const filters = config.number('filters', 1);
    const shape = assemble(config, batch, out, filters);
    const bias = config.boolean('use_bias', true) ? filters : 0;
    if (kind === 'separable') {
      // A depthwise pass (depth_multiplier filters per channel), then a 1×1 pointwise convolution.
      const depthwise = channels * multiplier;
      return {
        outputs: [shape],
        macs: positions * depthwise * window + positions * depthwise * filters,
        flops: biasAndActivation(config, shape),
        params: window * depthwise + depthwise * filters + bias,
      };
    }
    const groups = config.number('groups', 1);
    const params = window * (channels / groups) * filters + bias;
    return { outputs: [shape], macs: positions * filters * (channels / groups) * window, flops: biasAndActivation(config, shape), params };
  };
}

function pooling(rank: number): LayerRule {
  return (config, [input = []]) => {
    const { batch, spatial, channels } = layout(config, input);
    const pool = config.tuple('pool_size', rank, 2);
    const strides = config.raw.strides === null || config.raw.strides === undefined ? pool : config.tuple('strides', rank, 1);
    const padding = config.string('padding', 'valid');
    const out = spatial.map((size, axis) => convLength(size, pool[axis] ?? 1, padding, strides[axis] ?? 1));
    const shape = assemble(config, batch, out, channels);
    return { outputs: [shape], macs: 0, flops: product(shape) * product(pool), params: 0 };
  };
}

const globalPooling: LayerRule = (config, [input = []]) => {
  const { batch, spatial, channels } = layout(config, input);
  const shape = config.boolean('keepdims', false)
    ? assemble(
        config,
        batch,
        spatial.map(() => 1),
        channels,
      )
    : [batch, channels];
  return { outputs: [shape], macs: 0, flops: product(input), params: 0 };
};

/** ZeroPadding and Cropping: each spatial dim grows (or shrinks) by its two amounts. */
function border(rank: number, key: 'padding' | 'cropping', sign: 1 | -1): LayerRule {
  return (config, [input = []]) => {
    const { batch, spatial, channels } = layout(config, input);
    const raw = config.raw[key];
    const amounts = spatial.map((_, axis) => {
      const entry = Array.isArray(raw) ? raw[axis] : raw;
      if (Array.isArray(entry)) return (Number(entry[0]) || 0) + (Number(entry[1]) || 0);
      // A single int pads both sides; a flat list of ints (rank 1) gives [begin, end] of the only axis.
      if (rank === 1 && Array.isArray(raw) && typeof raw[0] === 'number') return (Number(raw[0]) || 0) + (Number(raw[1]) || 0);
      return 2 * (typeof entry === 'number' ? entry : 1);
    });
    return {
      outputs: [
        assemble(
          config,
          batch,
          spatial.map((size, axis) => size + sign * (amounts[axis] ?? 0)),
          channels,
        ),
      ],
      macs: 0,
      flops: 0,
      params: 0,
    };
  };
}

function upSampling(rank: number): LayerRule {
  return (config, [input = []]) => {
    const { batch, spatial, channels } = layout(config, input);
    const size = config.tuple('size', rank, 2);
    const shape = assemble(
      config,
      batch,
      spatial.map((dim, axis) => dim * (size[axis] ?? 1)),
      channels,
    );
    // Bilinear weighs the 2^rank nearest inputs (a multiply and an add each); nearest copies.
    const flops = config.string('interpolation', 'nearest') === 'bilinear' ? product(shape) * 2 * 2 ** rank : 0;
    return { outputs: [shape], macs: 0, flops, params: 0 };
  };
}

/** Rules for the convolution, pooling, padding and resampling layers. */
export const convLayers: Record<string, LayerRule> = {
  Conv1D: convolution(1, 'conv'),
  Conv2D: convolution(2, 'conv'),
  Conv3D: convolution(3, 'conv'),
  Conv1DTranspose: convolution(1, 'transpose'),
  Conv2DTranspose: convolution(2, 'transpose'),
  Conv3DTranspose: convolution(3, 'transpose'),
  DepthwiseConv1D: convolution(1, 'depthwise'),
  DepthwiseConv2D: convolution(2, 'depthwise'),
  SeparableConv1D: convolution(1, 'separable'),
  SeparableConv2D: convolution(2, 'separable'),
  MaxPooling1D: pooling(1),
  MaxPooling2D: pooling(2),
  MaxPooling3D: pooling(3),
  AveragePooling1D: pooling(1),
  AveragePooling2D: pooling(2),
  AveragePooling3D: pooling(3),
  GlobalAveragePooling1D: globalPooling,
  GlobalAveragePooling2D: globalPooling,
  GlobalAveragePooling3D: globalPooling,
  GlobalMaxPooling1D: globalPooling,
  GlobalMaxPooling2D: globalPooling,
  GlobalMaxPooling3D: globalPooling,
  ZeroPadding1D: border(1, 'padding', 1),
  ZeroPadding2D: border(2, 'padding', 1),
  ZeroPadding3D: border(3, 'padding', 1),
  Cropping1D: border(1, 'cropping', -1),
  Cropping2D: border(2, 'cropping', -1),
  Cropping3D: border(3, 'cropping', -1),
  UpSampling1D: upSampling(1),
  UpSampling2D: upSampling(2),
  UpSampling3D: upSampling(3),
};
