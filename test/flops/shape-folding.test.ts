import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import type { GraphTensor } from '../../src/flops/types.js';
import { float, graph, int64, node } from './graph.js';

// Shape inference through the ops exporters emit around reshapes: the shape arithmetic is computed at count time.

// torch writes "to the end" as INT64_MAX, in raw_data.
const int64Max = 2n ** 63n - 1n;
function rawInt64(values: bigint[]): GraphTensor {
  const view = new DataView(new ArrayBuffer(8 * values.length));
  values.forEach((value, index) => {
    view.setBigInt64(8 * index, value, true);
  });
  return { name: '', dims: [values.length], dataType: 7, encoded: { field: 'raw', bytes: new Uint8Array(view.buffer) } };
}

function shapes(report: ReturnType<typeof countFlops>): Record<string, number[] | undefined> {
  return Object.fromEntries((report.nodes ?? []).map((n) => [n.name, n.shape]));
}

describe('constant folding of shape arithmetic', () => {
  // torch's `x.view(x.size(0), -1, heads, d)` as exported: Shape → Gather → Unsqueeze → Concat → Reshape.
  const attentionReshape = (opset: number) =>
    graph({
      opset,
      inputs: { x: ['batch', 'sequence', 64] },
      weights: { w: [64, 64], idx0: int64([0], []), idx1: int64([1], []), axes: int64([0]), heads: int64([4]), d: int64([16]) },
      nodes: [
        node('MatMul', ['x', 'w'], ['proj']),
        node('Shape', ['proj'], ['shape']),
        node('Gather', ['shape', 'idx0'], ['b'], { axis: 0 }),
        node('Gather', ['shape', 'idx1'], ['s'], { axis: 0 }),
        ...(opset >= 13
          ? [node('Unsqueeze', ['b', 'axes'], ['b1']), node('Unsqueeze', ['s', 'axes'], ['s1'])]
          : [node('Unsqueeze', ['b'], ['b1'], { axes: [0] }), node('Unsqueeze', ['s'], ['s1'], { axes: [0] })]),
        node('Concat', ['b1', 's1', 'heads', 'd'], ['target'], { axis: 0 }),
        node('Reshape', ['proj', 'target'], ['heads4']),
        node('Transpose', ['heads4'], ['q'], { perm: [0, 2, 1, 3] }),
        node('Transpose', ['heads4'], ['kT'], { perm: [0, 2, 3, 1] }),
        node('MatMul', ['q', 'kT'], ['scores']),
      ],
    });

  it('folds Shape → Gather → Unsqueeze → Concat → Reshape and counts what follows', () => {
    const report = countFlops(attentionReshape(17), { batch: 8, inputs: { x: [8, 32, 64] }, perNode: true });
    expect(shapes(report).heads4).toEqual([8, 32, 4, 16]);
    expect(shapes(report).scores).toEqual([8, 4, 32, 32]);
    expect(report.macs).toBe(8 * 32 * 64 * 64 + 8 * 4 * 32 * 32 * 16);
    expect(report.byOp.Concat?.flops).toBe(0);
    expect(report.nodes?.find((n) => n.name === 'target')?.note).toBe('shape-arithmetic');
  });

  it('reads Unsqueeze axes from the attribute before opset 13 and from the input after', () => {
    const old = countFlops(attentionReshape(11), { inputs: { x: [2, 10, 64] } });
    const current = countFlops(attentionReshape(13), { inputs: { x: [2, 10, 64] } });
    expect(old.macs).toBe(current.macs);
    expect(current.macs).toBe(2 * 10 * 64 * 64 + 2 * 4 * 10 * 10 * 16);
  });

  it('binds a symbol given for one input to every input that names it', () => {
    const report = countFlops(
      graph({
        inputs: { ids: ['batch', 'sequence'], mask: ['batch', 'sequence'] },
        weights: { table: [1000, 32] },
        nodes: [node('Gather', ['table', 'ids'], ['emb']), node('Mul', ['mask', 'mask'], ['m2'])],
      }),
      { inputs: { ids: [4, 128] }, perNode: true },
    );
    expect(report.inputs).toEqual({ ids: [4, 128], mask: [4, 128] });
    expect(shapes(report).emb).toEqual([4, 128, 32]);
  });

  it('warns about a symbolic dim nobody gave a value, and counts what it can', () => {
    const report = countFlops(
      graph({
        inputs: { ids: ['batch', 'sequence'] },
        weights: { w: [8, 8], x: [2, 8] },
        nodes: [node('MatMul', ['ids', 'w'], ['y']), node('MatMul', ['x', 'w'], ['z'])],
      }),
    );
    expect(report.warnings[0]).toMatch(/input ids has no value for dim 1 \(sequence\): give it with --input ids=DIMS/);
    expect(report.warnings.join('\n')).toMatch(/1 node downstream of unknown shapes counted as 0/);
    expect(report.macs).toBe(2 * 8 * 8);
  });

  it('handles Reshape with 0 (copy) and -1 (infer), and allowzero', () => {
    const report = countFlops(
      graph({
        inputs: { x: [2, 3, 4] },
        weights: { s1: int64([0, -1]), s2: int64([0, 4, 3]) },
        nodes: [node('Reshape', ['x', 's1'], ['a']), node('Reshape', ['x', 's2'], ['b'])],
      }),
      { perNode: true },
    );
    expect(shapes(report)).toMatchObject({ a: [2, 12], b: [2, 4, 3] });
  });

  it('slices with negative indices, INT64_MAX ends and negative steps', () => {
    const report = countFlops(
      graph({
        inputs: { x: [1, 10, 20] },
        weights: {
          starts: int64([-3, 1]),
          ends: rawInt64([int64Max, int64Max]),
          axes: int64([1, 2]),
          steps: int64([1, 2]),
          rs: int64([-1]),
          re: rawInt64([-int64Max]),
          ra: int64([2]),
          rsteps: int64([-1]),
        },
        nodes: [node('Slice', ['x', 'starts', 'ends', 'axes', 'steps'], ['a']), node('Slice', ['x', 'rs', 're', 'ra', 'rsteps'], ['reversed'])],
      }),
      { perNode: true },
    );
    expect(shapes(report)).toMatchObject({ a: [1, 3, 10], reversed: [1, 10, 20] });
  });

  it('folds Range, ConstantOfShape, Equal, Where and Expand (the exporters’ expand(-1) idiom)', () => {
    const report = countFlops(
      graph({
        inputs: { x: ['batch', 5] },
        weights: { zero: int64([0], []), one: int64([1], []), minusOne: int64([-1, 5]), y: [1, 5] },
        nodes: [
          node('Shape', ['x'], ['xs']),
          node('Gather', ['xs', 'one'], ['len'], { axis: 0 }),
          node('Range', ['zero', 'len', 'one'], ['positions']),
          node('ConstantOfShape', [`xsLen`], ['ones'], { value: int64([1], [1]) }),
          node('Shape', ['xs'], ['xsLen']),
          node('Equal', ['minusOne', 'negOnes'], ['isMinus']),
          node('Mul', ['ones', 'negOne'], ['negOnes']),
          node('Constant', [], ['negOne'], { value: int64([-1], []) }),
          node('Where', ['isMinus', 'xs', 'minusOne'], ['target']),
          node('Expand', ['y', 'target'], ['expanded']),
        ],
      }),
      { batch: 3, perNode: true },
    );
    expect(shapes(report)).toMatchObject({ positions: [5], target: [2], expanded: [3, 5] });
    expect(report.warnings).toEqual([]);
  });

  it('splits with a split input (opset 13), an attribute (before) and num_outputs (opset 18)', () => {
    const split = (opset: number, extra: Parameters<typeof node>[3], inputs: string[]) =>
      shapes(
        countFlops(
          graph({
            opset,
            inputs: { x: [2, 10] },
            weights: { sizes: int64([3, 7]) },
            nodes: [node('Split', ['x', ...inputs], ['a', 'b'], { axis: 1, ...extra })],
          }),
          {
            perNode: true,
          },
        ),
      ).a;
    expect(split(13, {}, ['sizes'])).toEqual([2, 3]);
    expect(split(11, { split: [4, 6] }, [])).toEqual([2, 4]);
    expect(split(18, { num_outputs: 2 }, [])).toEqual([2, 5]);
  });

  it('squeezes and unsqueezes by attribute and by input', () => {
    const report = countFlops(
      graph({
        opset: 13,
        inputs: { x: [1, 3, 1, 5] },
        weights: { axes: int64([0, 2]), out: int64([-1]) },
        nodes: [node('Squeeze', ['x', 'axes'], ['s']), node('Squeeze', ['x'], ['all']), node('Unsqueeze', ['s', 'out'], ['u'])],
      }),
      { perNode: true },
    );
    expect(shapes(report)).toMatchObject({ s: [3, 5], all: [3, 5], u: [3, 5, 1] });
  });

  it('resizes by scales or sizes, costing nothing for nearest and 2·2^k per output for linear', () => {
    const resize = (mode: string, scaled: boolean) =>
      countFlops(
        graph({
          inputs: { x: [1, 8, 16, 16] },
          weights: { roi: float([]), scales: float([1, 1, 2, 2]), sizes: int64([1, 8, 32, 32]) },
          nodes: [node('Resize', scaled ? ['x', 'roi', 'scales'] : ['x', 'roi', '', 'sizes'], ['y'], { mode })],
        }),
        { perNode: true },
      );
    expect(resize('nearest', true).nodes?.[0]?.shape).toEqual([1, 8, 32, 32]);
    expect(resize('nearest', true).flops).toBe(0);
    expect(resize('linear', false).flops).toBe(8 * 32 * 32 * 2 * 4);
  });

  it('pads, tiles, flattens, concatenates and gathers', () => {
    const report = countFlops(
      graph({
        inputs: { x: [2, 3, 4, 4] },
        weights: { pads: int64([0, 0, 1, 1, 0, 0, 1, 1]), reps: int64([1, 2, 1, 1]), idx: int64([0, 2]) },
        nodes: [
          node('Pad', ['x', 'pads'], ['padded']),
          node('Tile', ['x', 'reps'], ['tiled']),
          node('Flatten', ['x'], ['flat'], { axis: 2 }),
          node('Concat', ['x', 'tiled'], ['joined'], { axis: 1 }),
          node('Gather', ['x', 'idx'], ['picked'], { axis: 1 }),
        ],
      }),
      { perNode: true },
    );
    expect(shapes(report)).toMatchObject({ padded: [2, 3, 6, 6], tiled: [2, 6, 4, 4], flat: [6, 16], joined: [2, 9, 4, 4], picked: [2, 2, 4, 4] });
    expect(report.flops).toBe(0);
  });

  it('counts a graph whose nodes are out of order', () => {
    const report = countFlops(graph({ inputs: { x: [4, 8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['h', 'w'], ['y']), node('Relu', ['x'], ['h'])] }));
    expect(report.macs).toBe(4 * 8 * 8);
    expect(report.warnings).toEqual([]);
  });
});
