import { type OpRule, ShapeError, type TensorInfo } from './rule.js';
import { product, windowOutput, windowPads } from './shape-math.js';

// Conv: X [N, C, D1..Dk], W [M, C/group, k1..kk] -> Y [N, M, O1..Ok].
// MACs = N × M × ∏O × (C/group) × ∏k: every output element is a dot product over its window. Bias adds are
// counted as other FLOPs (1 per output element), never as MACs.

function convolution(xIndex: number, wIndex: number, biasIndex: number | undefined): OpRule {
  return {
    infer(call) {
      const x = call.shape(xIndex);
      const w = call.shape(wIndex);
      if (x.length < 3 || w.length !== x.length) throw new ShapeError(`expected X and W of the same rank >= 3, got [${x}] and [${w}]`);
      const spatial = x.slice(2);
      const kernel = call.ints('kernel_shape') ?? w.slice(2);
      const strides = call.ints('strides') ?? [];
      const dilations = call.ints('dilations') ?? [];
      const pads = windowPads(call.string('auto_pad', 'NOTSET'), spatial, kernel, strides, dilations, call.ints('pads'));
      const output = windowOutput(spatial, kernel, strides, dilations, pads);
      return [{ shape: [x[0] as number, w[0] as number, ...output], dataType: call.input(xIndex).dataType }];
    },
    cost(call, [y]) {
      const w = call.shape(wIndex);
      const macs = product((y as TensorInfo).shape) * product(w.slice(1));
      const bias = biasIndex !== undefined && call.has(biasIndex) ? product((y as TensorInfo).shape) : 0;
      return { macs, flops: bias };
    },
  };
}

/** ConvTranspose: X [N, C, D...], W [C, M/group, k...]; every input element scatters into a window of M/group channels. */
const convTranspose: OpRule = {
  infer(call) {
    const x = call.shape(0);
    const w = call.shape(1);
    if (x.length < 3 || w.length !== x.length) throw new ShapeError(`expected X and W of the same rank >= 3, got [${x}] and [${w}]`);
    const spatial = x.slice(2);
    const kernel = call.ints('kernel_shape') ?? w.slice(2);
    const strides = call.ints('strides') ?? [];
    const dilations = call.ints('dilations') ?? [];
    const outputPadding = call.ints('output_padding') ?? [];
    const channels = (w[1] as number) * call.int('group', 1);
    const explicit = call.ints('output_shape');
    const autoPad = call.string('auto_pad', 'NOTSET');
    const output = spatial.map((size, axis) => {
      const stride = strides[axis] ?? 1;
      const given = explicit?.[explicit.length - spatial.length + axis];
      if (given !== undefined) return given;
      if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return size * stride;
      const pads = call.ints('pads') ?? [];
      const extent = ((kernel[axis] ?? 1) - 1) * (dilations[axis] ?? 1) + 1;
      return stride * (size - 1) + (outputPadding[axis] ?? 0) + extent - (pads[axis] ?? 0) - (pads[axis + spatial.length] ?? 0);
    });
    return [{ shape: [x[0] as number, channels, ...output], dataType: call.input(0).dataType }];
  },
  cost(call, [y]) {
    const macs = product(call.shape(0)) * product(call.shape(1).slice(1));
    return { macs, flops: call.has(2) ? product((y as TensorInfo).shape) : 0 };
  },
};

/** Rules for the convolution operators. */
export const convRules: Record<string, OpRule> = {
  Conv: convolution(0, 1, 2),
  ConvInteger: convolution(0, 1, undefined),
  QLinearConv: convolution(0, 3, 8),
  ConvTranspose: convTranspose,
};
