import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import { graph, node } from './graph.js';

// Hand counts: MACs of a convolution = N × Cout × ∏out × (Cin / group) × ∏kernel.

function conv(input: number[], weight: number[], attributes: Record<string, number | number[] | string> = {}, bias = false) {
  const report = countFlops(
    graph({
      inputs: { x: input },
      weights: { w: weight, ...(bias ? { b: [weight[0] as number] } : {}) },
      nodes: [node('Conv', ['x', 'w', ...(bias ? ['b'] : [])], ['y'], attributes)],
    }),
    { perNode: true },
  );
  return { macs: report.macs, flops: report.flops, shape: report.nodes?.[0]?.shape, warnings: report.warnings };
}

describe('Conv', () => {
  it('counts a strided, padded 7×7 convolution (ResNet stem)', () => {
    const { macs, shape } = conv([1, 3, 224, 224], [64, 3, 7, 7], { strides: [2, 2], pads: [3, 3, 3, 3] });
    expect(shape).toEqual([1, 64, 112, 112]);
    expect(macs).toBe(64 * 112 * 112 * 3 * 7 * 7);
  });

  it('adds one FLOP per output element for the bias, never a MAC', () => {
    const { macs, flops } = conv([1, 3, 8, 8], [4, 3, 3, 3], {}, true);
    expect(macs).toBe(4 * 6 * 6 * 3 * 9);
    expect(flops).toBe(2 * macs + 4 * 6 * 6);
  });

  it('shrinks the output by the dilated kernel extent', () => {
    const { macs, shape } = conv([1, 8, 32, 32], [16, 8, 3, 3], { dilations: [2, 2] });
    expect(shape).toEqual([1, 16, 28, 28]);
    expect(macs).toBe(16 * 28 * 28 * 8 * 9);
  });

  it('divides the input channels among groups', () => {
    const { macs, shape } = conv([1, 16, 10, 10], [32, 4, 3, 3], { group: 4, pads: [1, 1, 1, 1] });
    expect(shape).toEqual([1, 32, 10, 10]);
    expect(macs).toBe(32 * 10 * 10 * 4 * 9);
  });

  it('counts a depthwise convolution as one input channel per output channel', () => {
    const { macs, shape } = conv([2, 32, 56, 56], [32, 1, 3, 3], { group: 32, strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(shape).toEqual([2, 32, 28, 28]);
    expect(macs).toBe(2 * 32 * 28 * 28 * 9);
  });

  it('follows auto_pad SAME_UPPER, SAME_LOWER and VALID', () => {
    expect(conv([1, 1, 7, 7], [1, 1, 3, 3], { auto_pad: 'SAME_UPPER', strides: [2, 2] }).shape).toEqual([1, 1, 4, 4]);
    expect(conv([1, 1, 7, 7], [1, 1, 3, 3], { auto_pad: 'SAME_LOWER', strides: [2, 2] }).shape).toEqual([1, 1, 4, 4]);
    expect(conv([1, 1, 7, 7], [1, 1, 3, 3], { auto_pad: 'VALID', strides: [2, 2] }).shape).toEqual([1, 1, 3, 3]);
  });

  it('counts 1-D and 3-D convolutions', () => {
    expect(conv([4, 16, 100], [32, 16, 5], { pads: [2, 2] }).macs).toBe(4 * 32 * 100 * 16 * 5);
    const video = conv([1, 3, 8, 32, 32], [8, 3, 3, 3, 3], { strides: [1, 2, 2], pads: [1, 1, 1, 1, 1, 1] });
    expect(video.shape).toEqual([1, 8, 8, 16, 16]);
    expect(video.macs).toBe(8 * 8 * 16 * 16 * 3 * 27);
  });
});

describe('ConvTranspose', () => {
  function deconv(input: number[], weight: number[], attributes: Record<string, number | number[]> = {}) {
    const report = countFlops(graph({ inputs: { x: input }, weights: { w: weight }, nodes: [node('ConvTranspose', ['x', 'w'], ['y'], attributes)] }), {
      perNode: true,
    });
    return { macs: report.macs, shape: report.nodes?.[0]?.shape };
  }

  it('scatters every input element into a kernel window of the output channels', () => {
    const { macs, shape } = deconv([1, 16, 8, 8], [16, 8, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(shape).toEqual([1, 8, 16, 16]);
    expect(macs).toBe(16 * 8 * 8 * 8 * 16);
  });

  it('applies output_padding, output_shape and groups', () => {
    expect(deconv([1, 16, 8, 8], [16, 8, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }).shape).toEqual([1, 8, 16, 16]);
    expect(deconv([1, 16, 8, 8], [16, 8, 3, 3], { strides: [2, 2], output_shape: [15, 15] }).shape).toEqual([1, 8, 15, 15]);
    const grouped = deconv([2, 16, 4, 4], [16, 4, 2, 2], { strides: [2, 2], group: 2 });
    expect(grouped.shape).toEqual([2, 8, 8, 8]);
    expect(grouped.macs).toBe(2 * 16 * 4 * 4 * 4 * 4);
  });
});

describe('pooling', () => {
  function pool(op: string, input: number[], attributes: Record<string, number | number[] | string>) {
    const report = countFlops(graph({ inputs: { x: input }, nodes: [node(op, ['x'], ['y'], attributes)] }), { perNode: true });
    return { flops: report.flops, macs: report.macs, shape: report.nodes?.[0]?.shape };
  }

  it('costs the kernel size per output element', () => {
    const max = pool('MaxPool', [1, 64, 112, 112], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(max.shape).toEqual([1, 64, 56, 56]);
    expect(max.flops).toBe(64 * 56 * 56 * 9);
    expect(max.macs).toBe(0);
  });

  it('rounds up with ceil_mode, dropping a last window that starts in the padding (as PyTorch does)', () => {
    expect(pool('MaxPool', [1, 1, 6, 6], { kernel_shape: [3, 3], strides: [2, 2] }).shape).toEqual([1, 1, 2, 2]);
    expect(pool('MaxPool', [1, 1, 6, 6], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }).shape).toEqual([1, 1, 3, 3]);
    expect(pool('AveragePool', [1, 1, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }).shape).toEqual([1, 1, 3, 3]);
  });

  it('applies dilations and auto_pad to pooling windows', () => {
    expect(pool('MaxPool', [1, 1, 9, 9], { kernel_shape: [3, 3], dilations: [2, 2] }).shape).toEqual([1, 1, 5, 5]);
    expect(pool('AveragePool', [1, 1, 9, 9], { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' }).shape).toEqual([1, 1, 5, 5]);
  });

  it('costs one FLOP per input element for global pooling', () => {
    const global = pool('GlobalAveragePool', [8, 512, 7, 7], {});
    expect(global.shape).toEqual([8, 512, 1, 1]);
    expect(global.flops).toBe(8 * 512 * 49);
  });
});
