import { type OpCall, type OpRule, ShapeError, type TensorInfo } from './rule.js';
import { broadcast, product } from './shape-math.js';

// MatMul follows numpy.matmul: a 1-D operand gains a unit dim that the result drops, and leading dims broadcast.
// MACs = ∏batch × M × K × N.

interface MatmulShape {
  shape: number[];
  macs: number;
}

/** Output shape and MACs of numpy-style matmul of shapes a and b (optionally transposing their last two dims). */
export function matmulShape(a: readonly number[], b: readonly number[], transA = false, transB = false): MatmulShape {
  if (a.length === 0 || b.length === 0) throw new ShapeError('MatMul operands must have rank >= 1');
  let left = a.length === 1 ? [1, a[0] as number] : [...a];
  let right = b.length === 1 ? [b[0] as number, 1] : [...b];
  if (transA) left = swapLast(left);
  if (transB) right = swapLast(right);
  const m = left[left.length - 2] as number;
  const k = left[left.length - 1] as number;
  const kRight = right[right.length - 2] as number;
  const n = right[right.length - 1] as number;
  if (k !== kRight) throw new ShapeError(`inner dims differ: [${a}] × [${b}]`);
  const batch = broadcast(left.slice(0, -2), right.slice(0, -2));
  const shape = [...batch];
  if (a.length > 1) shape.push(m);
  if (b.length > 1) shape.push(n);
  return { shape, macs: product(batch) * m * k * n };
}

function swapLast(dims: number[]): number[] {
  const result = [...dims];
  result[dims.length - 1] = dims[dims.length - 2] as number;
  result[dims.length - 2] = dims[dims.length - 1] as number;
  return result;
}

function matmul(aIndex: number, bIndex: number, transposed: (call: OpCall) => [boolean, boolean]): OpRule {
  return {
    infer(call) {
      const [transA, transB] = transposed(call);
      const { shape } = matmulShape(call.shape(aIndex), call.shape(bIndex), transA, transB);
      return [{ shape, dataType: call.input(aIndex).dataType }];
    },
    cost(call) {
      const [transA, transB] = transposed(call);
      return { macs: matmulShape(call.shape(aIndex), call.shape(bIndex), transA, transB).macs, flops: 0 };
    },
  };
}

/** Gemm: Y = alpha·A'·B' + beta·C with A' [M, K], B' [K, N]; C's broadcast add costs one FLOP per output element. */
const gemm: OpRule = {
  infer(call) {
    const a = call.shape(0);
    const b = call.shape(1);
    if (a.length !== 2 || b.length !== 2) throw new ShapeError(`Gemm expects 2-D A and B, got [${a}] and [${b}]`);
    const { shape } = matmulShape(a, b, call.int('transA', 0) === 1, call.int('transB', 0) === 1);
    return [{ shape, dataType: call.input(0).dataType }];
  },
  cost(call, [y]) {
    const { macs } = matmulShape(call.shape(0), call.shape(1), call.int('transA', 0) === 1, call.int('transB', 0) === 1);
    const bias = call.has(2) && call.float('beta', 1) !== 0 ? product((y as TensorInfo).shape) : 0;
    return { macs, flops: bias };
  },
};

const plain = (): [boolean, boolean] => [false, false];

/** Rules for the matrix products. */
export const matmulRules: Record<string, OpRule> = {
  MatMul: matmul(0, 1, plain),
  MatMulInteger: matmul(0, 1, plain),
  QLinearMatMul: matmul(0, 3, plain),
  Gemm: gemm,
};

/** Rules for com.microsoft matrix products (onnxruntime's contrib operators). */
export const microsoftMatmulRules: Record<string, OpRule> = {
  FusedMatMul: matmul(0, 1, (call) => [call.int('transA', 0) === 1, call.int('transB', 0) === 1]),
  MatMulInteger16: matmul(0, 1, plain),
};
