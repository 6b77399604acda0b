import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import { graph, int64, node } from './graph.js';

// The documented per-element costs of the operators that are not multiply-accumulates (docs/flops.md).

function flopsOf(op: string, inputs: Record<string, number[]>, attributes = {}, weights: Record<string, number[]> = {}, domain = '') {
  return countFlops(graph({ inputs, weights, nodes: [node(op, [...Object.keys(inputs), ...Object.keys(weights)], ['y'], attributes, domain)] })).flops;
}

describe('per-element costs', () => {
  it('costs broadcast elementwise arithmetic one FLOP per output element', () => {
    expect(flopsOf('Add', { a: [2, 3, 4], b: [4] })).toBe(24);
    expect(flopsOf('Mul', { a: [2, 1, 4], b: [3, 1] })).toBe(24);
    expect(flopsOf('Sum', { a: [10], b: [10], c: [10] })).toBe(20);
  });

  it('costs activations by their formula', () => {
    expect(flopsOf('Relu', { x: [100] })).toBe(100);
    expect(flopsOf('Sigmoid', { x: [100] })).toBe(400);
    expect(flopsOf('Gelu', { x: [100] })).toBe(500);
    expect(flopsOf('Gelu', { x: [100] }, { approximate: 'tanh' })).toBe(900);
    expect(flopsOf('HardSwish', { x: [100] })).toBe(500);
    expect(flopsOf('Clip', { x: [100] })).toBe(200);
    expect(flopsOf('FastGelu', { x: [100] }, {}, {}, 'com.microsoft')).toBe(900);
  });

  it('costs softmax 5, layer norm 7 and inference batch norm 2 per element', () => {
    expect(flopsOf('Softmax', { x: [2, 12, 64, 64] }, { axis: -1 })).toBe(5 * 2 * 12 * 64 * 64);
    expect(flopsOf('LayerNormalization', { x: [2, 64, 768] }, { axis: -1 }, { g: [768], b: [768] })).toBe(7 * 2 * 64 * 768);
    expect(flopsOf('BatchNormalization', { x: [8, 64, 56, 56] }, {}, { s: [64], b: [64], m: [64], v: [64] })).toBe(2 * 8 * 64 * 56 * 56);
  });

  it('costs reductions one FLOP per input element', () => {
    const report = countFlops(
      graph({
        inputs: { x: [4, 16, 32] },
        weights: { axes: int64([1]) },
        nodes: [node('ReduceMean', ['x'], ['m'], { axes: [-1], keepdims: 1 }), node('ReduceSum', ['x', 'axes'], ['s'], { keepdims: 0 })],
      }),
      { perNode: true },
    );
    expect(report.nodes?.map((n) => n.shape)).toEqual([
      [4, 16, 1],
      [4, 32],
    ]);
    expect(report.flops).toBe(2 * 4 * 16 * 32);
  });

  it('costs data movement nothing', () => {
    const report = countFlops(
      graph({
        inputs: { x: [2, 3, 4] },
        nodes: [node('Transpose', ['x'], ['t'], { perm: [2, 0, 1] }), node('Identity', ['t'], ['i']), node('Dropout', ['i'], ['d'])],
      }),
    );
    expect(report.flops).toBe(0);
    expect(report.byOp.Transpose).toEqual({ nodes: 1, macs: 0, flops: 0 });
  });
});

describe('unknown operators and shapes', () => {
  it('lists an unknown operator at zero cost with a warning, and says how many nodes after it were not counted', () => {
    const report = countFlops(
      graph({
        inputs: { x: [4, 8] },
        weights: { w: [8, 8] },
        nodes: [
          node('MatMul', ['x', 'w'], ['a']),
          node('FancyNorm', ['a'], ['b'], {}, 'com.example'),
          node('MatMul', ['b', 'w'], ['c']),
          node('Relu', ['c'], ['d']),
        ],
      }),
      { perNode: true },
    );
    expect(report.unknownOps).toEqual(['com.example.FancyNorm']);
    expect(report.macs).toBe(4 * 8 * 8);
    expect(report.warnings).toEqual([
      'unknown operator com.example.FancyNorm (1 node): counted as 0',
      '2 nodes downstream of unknown shapes counted as 0: the MACs and FLOPs are a lower bound',
    ]);
    expect(report.nodes?.map((n) => n.note)).toEqual([undefined, 'unknown-op', 'unknown-shape', 'unknown-shape']);
  });

  it('takes an unknown operator’s output shape from value_info when the file declares it', () => {
    const report = countFlops(
      graph({
        inputs: { x: ['batch', 8] },
        weights: { w: [8, 8] },
        valueInfo: { b: ['batch', 8] },
        nodes: [node('FancyNorm', ['x'], ['b'], {}, 'com.example'), node('MatMul', ['b', 'w'], ['c'])],
      }),
      { batch: 3 },
    );
    expect(report.macs).toBe(3 * 8 * 8);
    expect(report.warnings).toEqual(['unknown operator com.example.FancyNorm (1 node): counted as 0']);
  });

  it('marks a Reshape whose target is computed from data as the origin of unknown shapes', () => {
    const report = countFlops(graph({ inputs: { x: [4, 8], target: [2] }, nodes: [node('Reshape', ['x', 'target'], ['y']), node('Relu', ['y'], ['z'])] }));
    expect(report.warnings[0]).toMatch(/Reshape node y: shape unknown \(the values of input 1 \(target\) are computed at run time\)/);
  });
});

describe('parameters, batch and training', () => {
  it('counts float and 8-bit initializers as parameters, each once, and leaves out int64 shape constants', () => {
    const report = countFlops(
      graph({
        inputs: { x: [1, 4] },
        weights: { w: [4, 4], b: [4], shape: int64([1, 4]), q: { name: 'q', dims: [16], dataType: 3 } },
        nodes: [node('MatMul', ['x', 'w'], ['y']), node('MatMul', ['y', 'w'], ['z'])],
      }),
    );
    expect(report.params).toBe(16 + 4 + 16);
  });

  it('scales a graph exported with a fixed batch to the batch asked for, and says so', () => {
    const fixed = graph({ inputs: { x: [1, 8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
    const report = countFlops(fixed, { batch: 4 });
    expect(report.macs).toBe(4 * 64);
    expect(report.warnings).toEqual(['the graph was exported with a fixed batch of 1: counted at 1 and scaled to 4']);
    expect(report.batch).toBe(4);
  });

  it('leaves a fixed leading dim other than 1 as it is when no output shares it (it may not be a batch), and says so', () => {
    const gemm = graph({ inputs: { x: [7, 5] }, weights: { w: [5, 4] }, nodes: [node('Gemm', ['x', 'w'], ['y'])] });
    const report = countFlops(gemm, { batch: 2 });
    expect(report.macs).toBe(7 * 5 * 4);
    expect(report.batch).toBe(7);
    expect(report.warnings).toEqual([
      "--batch 2 not applied: the inputs' fixed leading dim 7 may not be a batch (no output declares it); counted as the inputs are, at 7",
    ]);
    const otherOutput = graph({ inputs: { x: [7, 5] }, outputs: { y: [5, 4] }, weights: { w: [5, 4] }, nodes: [node('Gemm', ['x', 'w'], ['y'])] });
    expect(countFlops(otherOutput, { batch: 2 }).warnings[0]).toContain("(the outputs' leading dims are 5)");
  });

  it('scales a fixed leading dim other than 1 when the outputs share it, as a graph exported with a batch of 4 has', () => {
    const fixed = graph({ inputs: { x: [4, 8] }, outputs: { y: [4, 8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
    const report = countFlops(fixed, { batch: 6 });
    expect(report.macs).toBe(6 * 64);
    expect(report.batch).toBe(6);
    expect(report.warnings).toEqual(['the graph was exported with a fixed batch of 4: counted at 4 and scaled to 6']);
  });

  it('does not scale a fixed batch of 1 that an output contradicts', () => {
    const squeezed = graph({ inputs: { x: [1, 8] }, outputs: { y: [8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
    const report = countFlops(squeezed, { batch: 3 });
    expect(report.macs).toBe(64);
    expect(report.warnings[0]).toMatch(/^--batch 3 not applied: the inputs' fixed leading dim 1 may not be a batch \(the outputs' leading dims are 8\)/);
  });

  it('reports the batch counted at: the inputs given whole rather than a batch they override', () => {
    const g = graph({ inputs: { x: ['batch', 8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
    expect(countFlops(g, { batch: 5 }).batch).toBe(5);
    expect(countFlops(g).batch).toBe(1);
    const given = countFlops(g, { batch: 8, inputs: { x: [2, 8] } });
    expect(given).toMatchObject({ batch: 2, macs: 2 * 64 });
    expect(given.warnings).toEqual(['--batch 8 not applied: the inputs are given with --input; counted as the inputs are, at 2']);
  });

  it('counts training as three passes', () => {
    const g = graph({ inputs: { x: ['batch', 8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
    const forward = countFlops(g, { batch: 2 });
    const training = countFlops(g, { batch: 2, training: true });
    expect(training.flops).toBe(3 * forward.flops);
    expect(training.passes).toBe(3);
  });

  it('rejects an --input that names no input of the model, listing the ones it has', () => {
    const g = graph({ inputs: { input_ids: ['batch', 'sequence'] }, nodes: [] });
    expect(() => countFlops(g, { inputs: { ids: [1, 8] } })).toThrow(/the model has no input named "ids"; its inputs are input_ids/);
    expect(() => countFlops(g, { inputs: { input_ids: [1, 8, 3] } })).toThrow(/expected 2 dims \(batchxsequence\), got 3/);
  });
});

describe('impossible shapes', () => {
  it('reports a shape computed as negative or fractional instead of counting NaN', () => {
    const report = countFlops(
      graph({
        inputs: { x: [4, 6] },
        weights: { w: [5, 5], target: int64([-1, 5]) },
        nodes: [node('Reshape', ['x', 'target'], ['y']), node('MatMul', ['y', 'w'], ['z'])],
      }),
    );
    expect(report.macs).toBe(0);
    expect(Number.isNaN(report.flops)).toBe(false);
    expect(report.warnings[0]).toMatch(/Reshape node y: shape unknown \(inferred an impossible shape \[4.8,5\]\)/);
  });
});
