import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countFlops, flopsPerBatch } from '../../../src/flops/index.js';

// TF.js layers models built here with @tensorflow/tfjs (CPU backend), counted from their topology and checked
// against hand counts; parameters against tf's own countParams(). Kept in one file: tfjs is slow to load.

describe('TF.js layers models', () => {
  it('counts a Sequential CNN: conv, pooling, strided same-padded conv, flatten, dense', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const conv1 = 26 * 26 * 8 * 9;
    const conv2 = 7 * 7 * 16 * 8 * 9;
    const dense = 784 * 10;
    const report = countFlops(model, { batch: 4, perNode: true });
    expect(report.format).toBe('tfjs');
    expect(report.macs).toBe(4 * (conv1 + conv2 + dense));
    // Other FLOPs: conv1 bias + relu, pooling 2×2 per output, conv2 bias, dense bias + softmax.
    expect(report.flops).toBe(4 * (2 * (conv1 + conv2 + dense) + 2 * 26 * 26 * 8 + 13 * 13 * 8 * 4 + 7 * 7 * 16 + 10 + 50));
    expect(report.params).toBe(model.countParams());
    expect(report.nodes?.map((n) => n.shape)).toEqual([
      [4, 26, 26, 8],
      [4, 13, 13, 8],
      [4, 7, 7, 16],
      [4, 784],
      [4, 10],
    ]);
  });

  it('counts a functional model with branches, Add and Concatenate', () => {
    const input = tf.input({ shape: [32] });
    const a = tf.layers.dense({ units: 16, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 16 }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([sum, input]) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 4 }).apply(joined) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const report = countFlops(model);
    expect(report.macs).toBe(32 * 16 * 2 + 48 * 4);
    expect(report.flops).toBe(2 * report.macs + (16 + 16) + 16 + 16 + 4);
    expect(report.params).toBe(model.countParams());
    expect(report.byOp.Add).toEqual({ nodes: 1, macs: 0, flops: 16 });
  });

  it('counts nested models, including one applied twice', () => {
    const encoder = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 4, activation: 'relu' })] });
    const left = tf.input({ shape: [8] });
    const right = tf.input({ shape: [8] });
    const merged = tf.layers.add().apply([encoder.apply(left), encoder.apply(right)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 2 }).apply(merged) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [left, right], outputs: output });
    const report = countFlops(model, { batch: 3, perNode: true });
    expect(report.macs).toBe(3 * (2 * 8 * 4 + 4 * 2));
    expect(report.params).toBe(model.countParams());
    expect(report.unknownOps).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.nodes?.filter((n) => n.opType === 'Dense' && n.name.includes('/'))).toHaveLength(2);
  });

  it('counts Conv1D, DepthwiseConv2D, SeparableConv2D, BatchNormalization and global pooling', () => {
    const conv1d = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [100, 16], filters: 32, kernelSize: 5, padding: 'same' })] });
    expect(countFlops(conv1d).macs).toBe(100 * 32 * 16 * 5);
    expect(countFlops(conv1d).params).toBe(conv1d.countParams());

    const mobile = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ inputShape: [32, 32, 8], kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
        tf.layers.separableConv2d({ filters: 24, kernelSize: 3 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'relu6' }),
        tf.layers.globalAveragePooling2d({}),
      ],
    });
    const depthwise = 32 * 32 * 16 * 9;
    const separable = 30 * 30 * 16 * 9 + 30 * 30 * 16 * 24;
    const report = countFlops(mobile);
    expect(report.macs).toBe(depthwise + separable);
    expect(report.byOp.BatchNormalization?.flops).toBe(2 * 30 * 30 * 24);
    expect(report.byOp.Activation?.flops).toBe(2 * 30 * 30 * 24);
    expect(report.byOp.GlobalAveragePooling2D?.flops).toBe(30 * 30 * 24);
    expect(report.params).toBe(mobile.countParams());
  });

  it('counts an LSTM per time step and gate', () => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [10, 4], units: 8 })] });
    const report = countFlops(model);
    expect(report.macs).toBe(10 * 4 * (4 + 8) * 8);
    expect(report.params).toBe(model.countParams());
  });

  it('reads the same model from its model.json topology, and flopsPerBatch takes a tf.Tensor', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [20], units: 5 })] });
    const json = { format: 'layers-model', modelTopology: model.toJSON(null, false) };
    expect(countFlops(json, { batch: 6 }).macs).toBe(countFlops(model, { batch: 6 }).macs);
    expect(countFlops(new TextEncoder().encode(JSON.stringify(json))).macs).toBe(100);
    const batch = tf.zeros([12, 20]);
    expect(flopsPerBatch(model, batch)).toBe(12 * (2 * 100 + 5));
    batch.dispose();
  });

  it('lists a layer it does not know as unknown, counts the rest, and does not throw', () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'custom',
        layers: [
          { class_name: 'Dense', config: { name: 'd1', units: 4, batch_input_shape: [null, 4] } },
          { class_name: 'MyAttention', config: { name: 'mine' } },
          { class_name: 'Dense', config: { name: 'd2', units: 4 } },
        ],
      },
    };
    const report = countFlops(topology);
    expect(report.unknownOps).toEqual(['MyAttention']);
    expect(report.macs).toBe(16);
    expect(report.warnings).toEqual([
      'unknown layer MyAttention (1 layer): counted as 0',
      '1 layer with unknown input shapes counted as 0: the MACs and FLOPs are a lower bound',
    ]);
  });
});
