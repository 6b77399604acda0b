import { reduceCost } from '../costs.js';
import { DataType } from '../onnx/tensor-values.js';
import type { OpCall, OpRule } from './rule.js';
import { normalizeAxis, product } from './shape-math.js';
import { foldable, stridesOf } from './values.js';

// Reductions cost one FLOP per input element (two for those that square or exponentiate first).

type Combine = (values: number[]) => number;

/** Axes from the input (ReduceSum from opset 13, the others from 18) or the attribute; undefined means all axes. */
function reducedAxes(call: OpCall, rank: number): number[] | undefined {
  const axes = call.has(1) ? call.value(1) : call.ints('axes');
  if (axes === undefined || axes.length === 0) return call.int('noop_with_empty_axes', 0) === 1 ? [] : undefined;
  return axes.map((axis) => normalizeAxis(axis, rank));
}

function reduce(costPerElement: number, combine?: Combine): OpRule {
  return {
    infer(call) {
      const x = call.input(0);
      const axes = reducedAxes(call, x.shape.length) ?? x.shape.map((_, axis) => axis);
      const keep = call.int('keepdims', 1) === 1;
      const kept = x.shape.map((dim, axis) => (axes.includes(axis) ? 1 : dim));
      const shape = keep ? kept : x.shape.filter((_, axis) => !axes.includes(axis));
      if (combine === undefined || x.value === undefined || !foldable(x.shape)) return [{ shape, dataType: x.dataType }];
      // Group the input's values by their output position (reduced axes dropped), then combine each group.
      const groups: number[][] = Array.from({ length: product(kept) }, () => []);
      const keptStrides = stridesOf(kept);
      const inputStrides = stridesOf(x.shape);
      x.value.forEach((value, flat) => {
        let target = 0;
        x.shape.forEach((_, axis) => {
          const index = Math.floor(flat / (inputStrides[axis] as number)) % (x.shape[axis] as number);
          if (!axes.includes(axis)) target += index * (keptStrides[axis] as number);
        });
        groups[target]?.push(value);
      });
      return [{ shape, dataType: x.dataType, value: groups.map(combine) }];
    },
    cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * costPerElement }),
  };
}

const sum: Combine = (values) => values.reduce((a, b) => a + b, 0);

/** ArgMax and ArgMin: one axis, int64 indices. */
const argReduce: OpRule = {
  infer(call) {
    const x = call.shape(0);
    const axis = normalizeAxis(call.int('axis', 0), x.length);
    const shape = call.int('keepdims', 1) === 1 ? x.map((dim, index) => (index === axis ? 1 : dim)) : x.filter((_, index) => index !== axis);
    return [{ shape, dataType: DataType.int64 }];
  },
  cost: (call) => ({ macs: 0, flops: product(call.shape(0)) * reduceCost }),
};

/** Rules for the reductions. */
export const reduceRules: Record<string, OpRule> = {
  ReduceSum: reduce(reduceCost, sum),
  ReduceMean: reduce(reduceCost, (values) => sum(values) / values.length),
  ReduceMax: reduce(reduceCost, (values) => Math.max(...values)),
  ReduceMin: reduce(reduceCost, (values) => Math.min(...values)),
  ReduceProd: reduce(reduceCost, (values) => values.reduce((a, b) => a * b, 1)),
  ReduceL1: reduce(2 * reduceCost, (values) => sum(values.map(Math.abs))),
  ReduceL2: reduce(2 * reduceCost, (values) => Math.sqrt(sum(values.map((v) => v * v)))),
  ReduceSumSquare: reduce(2 * reduceCost, (values) => sum(values.map((v) => v * v))),
  ReduceLogSum: reduce(reduceCost, (values) => Math.log(sum(values))),
  ReduceLogSumExp: reduce(2 * reduceCost, (values) => Math.log(sum(values.map(Math.exp)))),
  ArgMax: argReduce,
  ArgMin: argReduce,
};
