import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import { graph, int64, node } from './graph.js';

// Shapes that truly depend on the data stop inference at one node: the warning names it, what comes after counts 0,
// and the totals are said to be a lower bound. What comes before is still counted.

function countAfter(stopper: ReturnType<typeof node>[]) {
  return countFlops(
    graph({
      inputs: { x: ['batch', 16] },
      weights: { w: [16, 16], w2: [16, 16], zero: int64([0], []) },
      nodes: [node('MatMul', ['x', 'w'], ['h']), ...stopper, node('MatMul', ['picked', 'w2'], ['y'])],
    }),
    { batch: 4 },
  );
}

describe('data-dependent shapes', () => {
  it('names the NonZero node whose count depends on the values of the input', () => {
    const report = countAfter([
      node('Greater', ['h', 'zero'], ['positive']),
      node('NonZero', ['positive'], ['where']),
      node('Transpose', ['where'], ['rows']),
      node('GatherND', ['h', 'rows'], ['gathered']),
      node('Reshape', ['gathered', 'shape'], ['picked']),
      node('Constant', [], ['shape'], { value: int64([-1, 16]) }),
    ]);
    expect(report.macs).toBe(4 * 16 * 16);
    expect(report.warnings[0]).toMatch(
      /^NonZero node where: shape unknown \(the output shape of NonZero depends on the data \(input 0 is computed at run time\)\)/,
    );
    expect(report.warnings.at(-1)).toMatch(/4 nodes downstream of unknown shapes counted as 0: the MACs and FLOPs are a lower bound/);
  });

  it('names a Loop, whose trip count and outputs are decided at run time', () => {
    const body = graph({ inputs: { i: [], cond: [], acc: [4, 16] }, nodes: [node('Identity', ['acc'], ['accOut'])], outputs: { cond: [], accOut: [4, 16] } });
    const report = countAfter([node('Loop', ['', '', 'h'], ['picked'], { body })]);
    expect(report.macs).toBe(4 * 16 * 16);
    expect(report.warnings[0]).toMatch(/^Loop node picked: shape unknown \(the output shape of Loop depends on the data\)/);
  });

  it('names an If whose condition is computed from the data, and counts the branch of one known from shapes', () => {
    const branch = (factor: number) =>
      graph({ inputs: {}, weights: { wb: [16, 16 * factor] }, nodes: [node('MatMul', ['h', 'wb'], [`b${factor}`])], outputs: { [`b${factor}`]: [] } });
    const byData = countAfter([
      node('ReduceSum', ['h'], ['total'], { keepdims: 0 }),
      node('Greater', ['total', 'zero'], ['positive']),
      node('If', ['positive'], ['picked'], { then_branch: branch(1), else_branch: branch(1) }),
    ]);
    expect(byData.warnings[0]).toMatch(/^If node picked: shape unknown \(the branch If takes is decided at run time\)/);
    const byShape = countFlops(
      graph({
        inputs: { x: ['batch', 16] },
        weights: { w: [16, 16], two: int64([2], []), zero: int64([0], []) },
        nodes: [
          node('MatMul', ['x', 'w'], ['h']),
          node('Shape', ['h'], ['hs']),
          node('Gather', ['hs', 'zero'], ['rows']),
          node('Greater', ['rows', 'two'], ['many']),
          node('If', ['many'], ['y'], { then_branch: branch(2), else_branch: branch(1) }),
        ],
      }),
      { batch: 4, perNode: true },
    );
    expect(byShape.warnings).toEqual([]);
    expect(byShape.macs).toBe(4 * 16 * 16 + 4 * 16 * 32);
    expect(byShape.nodes?.find((n) => n.name === 'y')?.shape).toEqual([4, 32]);
  });
});
