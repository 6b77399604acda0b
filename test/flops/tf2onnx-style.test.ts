import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import type { ModelGraph } from '../../src/flops/types.js';
import { graph, int64, node } from './graph.js';

// A Keras CNN as tf2onnx writes it: NHWC input with tf2onnx's own symbol for the batch (`unk__N`) and TensorFlow's
// `name:0` tensor names, a Transpose to NCHW around each Conv and pool, `auto_pad SAME_UPPER` where Keras said
// padding='same', BatchNormalization folded into the Conv's weights (`const_fold_opt__` names), and Flatten lowered
// as tf.reshape(x, [tf.shape(x)[0], -1]): Shape → Slice → Concat → Reshape. The Dense layers are MatMul + Add, not
// Gemm. No TensorFlow runs here, so the graph is built in the test from these patterns; the expected counts are
// written by hand from the layer shapes.

function kerasCnn(): ModelGraph {
  return graph({
    opset: 13,
    inputs: { 'input_1:0': ['unk__31', 32, 32, 3] },
    weights: {
      const_fold_opt__40: [16, 3, 3, 3],
      const_fold_opt__41: [16],
      const_fold_opt__42: [32, 16, 3, 3],
      const_fold_opt__43: [32],
      'sequential/dense/MatMul/ReadVariableOp:0': [2048, 64],
      'sequential/dense/BiasAdd/ReadVariableOp:0': [64],
      'sequential/dense_1/MatMul/ReadVariableOp:0': [64, 10],
      'sequential/dense_1/BiasAdd/ReadVariableOp:0': [10],
      'begin:0': int64([0]),
      'end:0': int64([1]),
      'minus_one:0': int64([-1]),
    },
    nodes: [
      node('Transpose', ['input_1:0'], ['t0'], { perm: [0, 3, 1, 2] }),
      // Conv2D(16, 3, padding='same') + BatchNormalization, folded
      node('Conv', ['t0', 'const_fold_opt__40', 'const_fold_opt__41'], ['c1'], {
        auto_pad: 'SAME_UPPER',
        kernel_shape: [3, 3],
        strides: [1, 1],
        dilations: [1, 1],
      }),
      node('Relu', ['c1'], ['r1']),
      // MaxPooling2D(2) with padding='valid'
      node('MaxPool', ['r1'], ['p1'], { auto_pad: 'VALID', kernel_shape: [2, 2], strides: [2, 2] }),
      // Conv2D(32, 3, strides=2, padding='same'): 16 x 16 -> 8 x 8
      node('Conv', ['p1', 'const_fold_opt__42', 'const_fold_opt__43'], ['c2'], {
        auto_pad: 'SAME_UPPER',
        kernel_shape: [3, 3],
        strides: [2, 2],
        dilations: [1, 1],
      }),
      node('Relu', ['c2'], ['r2']),
      node('Transpose', ['r2'], ['nhwc'], { perm: [0, 2, 3, 1] }),
      // Flatten: tf.reshape(x, [tf.shape(x)[0], -1])
      node('Shape', ['nhwc'], ['shape']),
      node('Slice', ['shape', 'begin:0', 'end:0'], ['batch']),
      node('Concat', ['batch', 'minus_one:0'], ['target'], { axis: 0 }),
      node('Reshape', ['nhwc', 'target'], ['flat']),
      node('MatMul', ['flat', 'sequential/dense/MatMul/ReadVariableOp:0'], ['d1']),
      node('Add', ['d1', 'sequential/dense/BiasAdd/ReadVariableOp:0'], ['d1b']),
      node('Relu', ['d1b'], ['d1r']),
      node('MatMul', ['d1r', 'sequential/dense_1/MatMul/ReadVariableOp:0'], ['d2']),
      node('Add', ['d2', 'sequential/dense_1/BiasAdd/ReadVariableOp:0'], ['d2b']),
      node('Softmax', ['d2b'], ['sequential/dense_1/Softmax:0'], { axis: -1 }),
    ],
    outputs: { 'sequential/dense_1/Softmax:0': ['unk__32', 10] },
  });
}

describe('a tf2onnx-style Keras CNN', () => {
  // conv1: 32 x 32 x 16 outputs x 27; conv2: 8 x 8 x 32 outputs x 144; dense: 2048 x 64; dense_1: 64 x 10
  const perSample = 32 * 32 * 16 * 27 + 8 * 8 * 32 * 144 + 2048 * 64 + 64 * 10;

  it('counts exactly at the batch given for its unk__ symbol, with no warning', () => {
    for (const batch of [1, 8]) {
      const report = countFlops(kerasCnn(), { batch });
      expect(report.warnings).toEqual([]);
      expect(report.unknownOps).toEqual([]);
      expect(report.macs).toBe(batch * perSample);
      expect(report.byOp.Conv?.macs).toBe(batch * (32 * 32 * 16 * 27 + 8 * 8 * 32 * 144));
      expect(report.byOp.MatMul?.macs).toBe(batch * (2048 * 64 + 64 * 10));
    }
  });

  it('takes the batch from --input dims given in NHWC under the TensorFlow tensor name', () => {
    const report = countFlops(kerasCnn(), { inputs: { 'input_1:0': [4, 32, 32, 3] } });
    expect(report.macs).toBe(4 * perSample);
  });
});
