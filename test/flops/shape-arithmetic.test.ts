import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import type { GraphNode, GraphTensor } from '../../src/flops/types.js';
import { float, graph, int64, node } from './graph.js';

// Each operator on shape values, one by one. The input x is [batch, 3, 4, 5] counted at batch 2, so Shape(x) is
// [2, 3, 4, 5]; each case computes `v` from it, and a probe turns v's values into a shape the report shows:
// ConstantOfShape(Reshape(Cast(v, int64), [-1])) has shape v. A value that could not be computed leaves the probe's
// shape unknown (undefined), so each case fails without the folding it tests.

const int64Type = 7;
const boolType = 9;
const floatType = 1;

interface Case {
  nodes: GraphNode[];
  weights?: Record<string, GraphTensor>;
  opset?: number;
}

function valuesOf({ nodes, weights = {}, opset = 17 }: Case): number[] | undefined {
  const report = countFlops(
    graph({
      opset,
      inputs: { x: ['batch', 3, 4, 5] },
      weights: { ...weights, flat: int64([-1]) },
      nodes: [
        node('Shape', ['x'], ['s']),
        ...nodes,
        node('Cast', ['v'], ['v64'], { to: int64Type }),
        node('Reshape', ['v64', 'flat'], ['v1']),
        node('ConstantOfShape', ['v1'], ['probe']),
      ],
    }),
    { batch: 2, perNode: true },
  );
  return report.nodes?.find((n) => n.name === 'probe')?.shape;
}

/** Scalars and vectors of int64 constants by name. */
const k = (values: Record<string, number | number[]>) =>
  Object.fromEntries(Object.entries(values).map(([name, v]) => [name, Array.isArray(v) ? int64(v) : int64([v], [])]));

describe('shape arithmetic: each operator on shape values', () => {
  const cases: Record<string, [Case, number[]]> = {
    Shape: [{ nodes: [node('Identity', ['s'], ['v'])] }, [2, 3, 4, 5]],
    'Shape with start and end (opset 15)': [{ nodes: [node('Shape', ['x'], ['v'], { start: 1, end: -1 })] }, [3, 4]],
    Size: [{ nodes: [node('Size', ['x'], ['v'])] }, [120]],
    Gather: [{ nodes: [node('Gather', ['s', 'i'], ['v'], { axis: 0 })], weights: k({ i: [3, -4] }) }, [5, 2]],
    Slice: [{ nodes: [node('Slice', ['s', 'a', 'b'], ['v'])], weights: k({ a: [1], b: [3] }) }, [3, 4]],
    'Slice reversed': [{ nodes: [node('Slice', ['s', 'a', 'b', 'ax', 'st'], ['v'])], weights: k({ a: [-1], b: [-100], ax: [0], st: [-2] }) }, [5, 3]],
    'Slice (attributes, opset 9)': [{ nodes: [node('Slice', ['s'], ['v'], { starts: [2], ends: [4], axes: [0] })], opset: 9 }, [4, 5]],
    Concat: [{ nodes: [node('Concat', ['s', 'c'], ['v'], { axis: 0 })], weights: k({ c: [7] }) }, [2, 3, 4, 5, 7]],
    'Unsqueeze (input)': [{ nodes: [node('Gather', ['s', 'i'], ['g']), node('Unsqueeze', ['g', 'ax'], ['v'])], weights: k({ i: 1, ax: [0] }) }, [3]],
    'Unsqueeze (attribute, opset 11)': [
      { nodes: [node('Gather', ['s', 'i'], ['g']), node('Unsqueeze', ['g'], ['v'], { axes: [0] })], weights: k({ i: 1 }), opset: 11 },
      [3],
    ],
    Squeeze: [{ nodes: [node('Slice', ['s', 'a', 'b'], ['one']), node('Squeeze', ['one', 'ax'], ['v'])], weights: k({ a: [2], b: [3], ax: [0] }) }, [4]],
    'Cast to float and back': [
      { nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('Div', ['f', 'two'], ['v'])], weights: { two: float([2], []) } },
      [1, 1, 2, 2],
    ],
    Add: [{ nodes: [node('Add', ['s', 'c'], ['v'])], weights: k({ c: 1 }) }, [3, 4, 5, 6]],
    Sub: [{ nodes: [node('Sub', ['s', 'c'], ['v'])], weights: k({ c: [2, 3, 4, 5] }) }, [0, 0, 0, 0]],
    Mul: [{ nodes: [node('Mul', ['s', 'c'], ['v'])], weights: k({ c: [1, 2, 1, 2] }) }, [2, 6, 4, 10]],
    'Div (integer: truncates)': [{ nodes: [node('Div', ['s', 'c'], ['v'])], weights: k({ c: 2 }) }, [1, 1, 2, 2]],
    'Mod (sign of the divisor)': [{ nodes: [node('Mod', ['s', 'c'], ['m']), node('Add', ['m', 'c2'], ['v'])], weights: k({ c: -3, c2: 3 }) }, [2, 3, 1, 2]],
    'Mod (fmod)': [{ nodes: [node('Mod', ['s', 'c'], ['v'], { fmod: 1 })], weights: k({ c: 3 }) }, [2, 0, 1, 2]],
    Pow: [{ nodes: [node('Pow', ['s', 'c'], ['v'])], weights: k({ c: 2 }) }, [4, 9, 16, 25]],
    Equal: [{ nodes: [node('Equal', ['s', 'c'], ['v'])], weights: k({ c: 4 }) }, [0, 0, 1, 0]],
    Less: [{ nodes: [node('Less', ['s', 'c'], ['v'])], weights: k({ c: 4 }) }, [1, 1, 0, 0]],
    Greater: [{ nodes: [node('Greater', ['s', 'c'], ['v'])], weights: k({ c: 3 }) }, [0, 0, 1, 1]],
    LessOrEqual: [{ nodes: [node('LessOrEqual', ['s', 'c'], ['v'])], weights: k({ c: 3 }) }, [1, 1, 0, 0]],
    GreaterOrEqual: [{ nodes: [node('GreaterOrEqual', ['s', 'c'], ['v'])], weights: k({ c: 3 }) }, [0, 1, 1, 1]],
    Not: [{ nodes: [node('Equal', ['s', 'c'], ['e']), node('Not', ['e'], ['v'])], weights: k({ c: 4 }) }, [1, 1, 0, 1]],
    And: [
      { nodes: [node('Greater', ['s', 'a'], ['g']), node('Less', ['s', 'b'], ['l']), node('And', ['g', 'l'], ['v'])], weights: k({ a: 2, b: 5 }) },
      [0, 1, 1, 0],
    ],
    Or: [
      { nodes: [node('Less', ['s', 'a'], ['l']), node('Greater', ['s', 'b'], ['g']), node('Or', ['l', 'g'], ['v'])], weights: k({ a: 3, b: 4 }) },
      [1, 0, 0, 1],
    ],
    Xor: [
      { nodes: [node('Less', ['s', 'a'], ['l']), node('Less', ['s', 'b'], ['m']), node('Xor', ['l', 'm'], ['v'])], weights: k({ a: 3, b: 5 }) },
      [0, 1, 1, 0],
    ],
    Where: [{ nodes: [node('Equal', ['s', 'c'], ['e']), node('Where', ['e', 'z', 's'], ['v'])], weights: k({ c: 4, z: 9 }) }, [2, 3, 9, 5]],
    Range: [{ nodes: [node('Gather', ['s', 'i'], ['n']), node('Range', ['zero', 'n', 'one'], ['v'])], weights: k({ i: 2, zero: 0, one: 1 }) }, [0, 1, 2, 3]],
    'Range (negative step)': [
      { nodes: [node('Gather', ['s', 'i'], ['n']), node('Range', ['n', 'zero', 'step'], ['v'])], weights: k({ i: 3, zero: 0, step: -2 }) },
      [5, 3, 1],
    ],
    Expand: [{ nodes: [node('Gather', ['s', 'i'], ['n']), node('Expand', ['n', 'to'], ['v'])], weights: k({ i: 1, to: [3] }) }, [3, 3, 3]],
    ConstantOfShape: [
      { nodes: [node('Slice', ['s', 'a', 'b'], ['d']), node('ConstantOfShape', ['d'], ['v'], { value: int64([7], [1]) })], weights: k({ a: [0], b: [1] }) },
      [7, 7],
    ],
    ScatterND: [{ nodes: [node('ScatterND', ['s', 'idx', 'up'], ['v'])], weights: { idx: int64([1, 3], [2, 1]), up: int64([8, 9]) } }, [2, 8, 4, 9]],
    'ScatterND (add)': [
      { nodes: [node('ScatterND', ['s', 'idx', 'up'], ['v'], { reduction: 'add' })], weights: { idx: int64([0], [1, 1]), up: int64([10]) } },
      [12, 3, 4, 5],
    ],
    ScatterElements: [{ nodes: [node('ScatterElements', ['s', 'idx', 'up'], ['v'], { axis: 0 })], weights: k({ idx: [-1], up: [1] }) }, [2, 3, 4, 1]],
    GatherElements: [{ nodes: [node('GatherElements', ['s', 'idx'], ['v'], { axis: 0 })], weights: k({ idx: [3, 3, 0] }) }, [5, 5, 2]],
    GatherND: [
      {
        nodes: [node('Reshape', ['s', 'two'], ['m']), node('GatherND', ['m', 'idx'], ['v'])],
        weights: { two: int64([2, 2]), idx: int64([1, 0, 0, 1], [2, 2]) },
      },
      [4, 3],
    ],
    Reshape: [{ nodes: [node('Reshape', ['s', 'to'], ['m']), node('Slice', ['m', 'a', 'b'], ['v'], {})], weights: k({ to: [2, 2], a: [1], b: [2] }) }, [4, 5]],
    Transpose: [{ nodes: [node('Reshape', ['s', 'to'], ['m']), node('Transpose', ['m'], ['v'], { perm: [1, 0] })], weights: k({ to: [2, 2] }) }, [2, 4, 3, 5]],
    Flatten: [{ nodes: [node('Reshape', ['s', 'to'], ['m']), node('Flatten', ['m'], ['v'], { axis: 0 })], weights: k({ to: [2, 2] }) }, [2, 3, 4, 5]],
    Min: [{ nodes: [node('Min', ['s', 'c', 'd'], ['v'])], weights: k({ c: 4, d: [9, 9, 9, 3] }) }, [2, 3, 4, 3]],
    Max: [{ nodes: [node('Max', ['s', 'c'], ['v'])], weights: k({ c: 4 }) }, [4, 4, 4, 5]],
    Neg: [{ nodes: [node('Neg', ['s'], ['n']), node('Add', ['n', 'c'], ['v'])], weights: k({ c: 6 }) }, [4, 3, 2, 1]],
    Abs: [{ nodes: [node('Sub', ['s', 'c'], ['d']), node('Abs', ['d'], ['v'])], weights: k({ c: 4 }) }, [2, 1, 0, 1]],
    Floor: [
      {
        nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('Div', ['f', 'two'], ['h']), node('Floor', ['h'], ['v'])],
        weights: { two: float([2], []) },
      },
      [1, 1, 2, 2],
    ],
    Ceil: [
      {
        nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('Div', ['f', 'two'], ['h']), node('Ceil', ['h'], ['v'])],
        weights: { two: float([2], []) },
      },
      [1, 2, 2, 3],
    ],
    'Round (half to even)': [
      {
        nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('Div', ['f', 'two'], ['h']), node('Round', ['h'], ['v'])],
        weights: { two: float([2], []) },
      },
      [1, 2, 2, 2],
    ],
    Sqrt: [{ nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('Mul', ['f', 'f'], ['sq']), node('Sqrt', ['sq'], ['v'])] }, [2, 3, 4, 5]],
    Reciprocal: [
      {
        nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('Reciprocal', ['f'], ['r']), node('Mul', ['r', 'big'], ['v'])],
        weights: { big: float([120], []) },
      },
      [60, 40, 30, 24],
    ],
    Sign: [
      { nodes: [node('Sub', ['s', 'c'], ['d']), node('Sign', ['d'], ['g']), node('Add', ['g', 'one'], ['v'])], weights: k({ c: 3, one: 1 }) },
      [0, 1, 2, 2],
    ],
    Clip: [{ nodes: [node('Clip', ['s', 'lo', 'hi'], ['v'])], weights: k({ lo: 3, hi: 4 }) }, [3, 3, 4, 4]],
    BitShift: [{ nodes: [node('BitShift', ['s', 'c'], ['v'], { direction: 'LEFT' })], weights: k({ c: 1 }) }, [4, 6, 8, 10]],
    ReduceProd: [{ nodes: [node('ReduceProd', ['s'], ['v'], { keepdims: 1 })] }, [120]],
    'ReduceProd (axes input, opset 18)': [
      { nodes: [node('Reshape', ['s', 'to'], ['m']), node('ReduceProd', ['m', 'ax'], ['v'], { keepdims: 0 })], weights: k({ to: [2, 2], ax: [1] }), opset: 18 },
      [6, 20],
    ],
    ReduceSum: [{ nodes: [node('ReduceSum', ['s', 'ax'], ['v'])], weights: k({ ax: [0] }) }, [14]],
    ReduceMax: [{ nodes: [node('ReduceMax', ['s'], ['v'], { axes: [0] })], opset: 11 }, [5]],
    ReduceMin: [{ nodes: [node('ReduceMin', ['s'], ['v'], { axes: [0] })], opset: 11 }, [2]],
    Sum: [{ nodes: [node('Sum', ['s', 's', 's'], ['v'])] }, [6, 9, 12, 15]],
    CastLike: [{ nodes: [node('Cast', ['s'], ['f'], { to: floatType }), node('CastLike', ['f', 'x'], ['v'])] }, [2, 3, 4, 5]],
    Tile: [{ nodes: [node('Slice', ['s', 'a', 'b'], ['p']), node('Tile', ['p', 'r'], ['v'])], weights: k({ a: [0], b: [2], r: [2] }) }, [2, 3, 2, 3]],
    'Pad (constant)': [{ nodes: [node('Pad', ['s', 'p', 'c'], ['v'])], weights: k({ p: [1, 2], c: 7 }) }, [7, 2, 3, 4, 5, 7, 7]],
    'Pad (edge)': [{ nodes: [node('Pad', ['s', 'p'], ['v'], { mode: 'edge' })], weights: k({ p: [1, 1] }) }, [2, 2, 3, 4, 5, 5]],
    'Pad (reflect)': [{ nodes: [node('Pad', ['s', 'p'], ['v'], { mode: 'reflect' })], weights: k({ p: [2, 1] }) }, [4, 3, 2, 3, 4, 5, 4]],
    'Split (sizes input)': [{ nodes: [node('Split', ['s', 'sz'], ['v', 'rest'], { axis: 0 })], weights: k({ sz: [3, 1] }) }, [2, 3, 4]],
    'Split (equal parts, second)': [{ nodes: [node('Split', ['s'], ['first', 'v'], { axis: 0 })], opset: 11 }, [4, 5]],
    Trilu: [{ nodes: [node('Reshape', ['s', 'to'], ['m']), node('Trilu', ['m'], ['v'], { upper: 1 })], weights: k({ to: [2, 2] }) }, [2, 3, 0, 5]],
    CumSum: [{ nodes: [node('CumSum', ['s', 'ax'], ['v'])], weights: k({ ax: 0 }) }, [2, 5, 9, 14]],
    'CumSum (exclusive, reverse)': [{ nodes: [node('CumSum', ['s', 'ax'], ['v'], { exclusive: 1, reverse: 1 })], weights: k({ ax: 0 }) }, [12, 9, 5, 0]],
    'NonZero of a known mask': [{ nodes: [node('Greater', ['s', 'c'], ['g']), node('NonZero', ['g'], ['v'])], weights: k({ c: 3 }) }, [2, 3]],
    'Compress by a known condition': [
      { nodes: [node('Greater', ['s', 'c'], ['g']), node('Compress', ['s', 'g'], ['v'], { axis: 0 })], weights: k({ c: 2 }) },
      [3, 4, 5],
    ],
    'Unique of known values': [{ nodes: [node('Concat', ['s', 's'], ['d'], { axis: 0 }), node('Unique', ['d'], ['v', 'i', 'inv', 'n'])] }, [2, 3, 4, 5]],
    'If with a condition known from shapes': [
      {
        nodes: [
          node('Gather', ['s', 'i'], ['h']),
          node('Greater', ['h', 'c'], ['big']),
          node('If', ['big'], ['v'], {
            then_branch: graph({ inputs: {}, nodes: [node('Mul', ['h', 'c'], ['doubled'])], outputs: { doubled: [] } }),
            else_branch: graph({ inputs: {}, nodes: [node('Add', ['h', 'c'], ['added'])], outputs: { added: [] } }),
          }),
        ],
        weights: k({ i: 2, c: 3 }),
      },
      [12],
    ],
  };

  for (const [name, [spec, expected]] of Object.entries(cases)) {
    it(`computes ${name}`, () => {
      expect(valuesOf(spec)).toEqual(expected);
    });
  }

  it('keeps the probe honest: a value computed at run time leaves the shape unknown', () => {
    expect(valuesOf({ nodes: [node('ReduceMax', ['x'], ['v'], { keepdims: 0 })] })).toBeUndefined();
  });

  it('computes bool and int64 element types as the operators define them', () => {
    const report = countFlops(
      graph({
        inputs: { x: [2, 3] },
        weights: k({ c: 2 }),
        nodes: [
          node('Shape', ['x'], ['s']),
          node('Equal', ['s', 'c'], ['e']),
          node('Cast', ['e'], ['f'], { to: boolType }),
          node('Where', ['f', 's', 'c'], ['w']),
        ],
      }),
      { perNode: true },
    );
    expect(report.nodes?.every((n) => n.note === 'shape-arithmetic')).toBe(true);
    expect(report.flops).toBe(0);
  });
});
