import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import type { AttributeValue } from '../../src/flops/types.js';
import { graph, node } from './graph.js';

function single(
  op: string,
  inputs: Record<string, number[]>,
  attributes: Record<string, AttributeValue> = {},
  weights: Record<string, number[]> = {},
  domain = '',
) {
  const report = countFlops(graph({ inputs, weights, nodes: [node(op, [...Object.keys(inputs), ...Object.keys(weights)], ['y'], attributes, domain)] }), {
    perNode: true,
  });
  return { macs: report.macs, flops: report.flops, shape: report.nodes?.[0]?.shape, warnings: report.warnings };
}

describe('MatMul', () => {
  it('multiplies the batch dims by M × K × N', () => {
    const { macs, shape } = single('MatMul', { a: [2, 3, 4, 5], b: [5, 6] });
    expect(shape).toEqual([2, 3, 4, 6]);
    expect(macs).toBe(2 * 3 * 4 * 5 * 6);
  });

  it('broadcasts batch dims of both operands', () => {
    const { macs, shape } = single('MatMul', { a: [8, 1, 4, 5], b: [3, 5, 6] });
    expect(shape).toEqual([8, 3, 4, 6]);
    expect(macs).toBe(8 * 3 * 4 * 5 * 6);
  });

  it('treats 1-D operands as numpy.matmul does', () => {
    expect(single('MatMul', { a: [5], b: [5, 6] })).toMatchObject({ shape: [6], macs: 30 });
    expect(single('MatMul', { a: [2, 4, 5], b: [5] })).toMatchObject({ shape: [2, 4], macs: 40 });
    expect(single('MatMul', { a: [5], b: [5] })).toMatchObject({ shape: [], macs: 5 });
  });

  it('reports mismatched inner dims as a warning, not an exception', () => {
    const { macs, warnings } = single('MatMul', { a: [2, 3], b: [4, 5] });
    expect(macs).toBe(0);
    expect(warnings.join('\n')).toMatch(/MatMul node y: shape unknown \(inner dims differ/);
  });
});

describe('Gemm', () => {
  it('counts M × N × K with transA and transB, and C as one FLOP per output element', () => {
    const { macs, flops, shape } = single('Gemm', { a: [5, 4] }, { transA: 1, transB: 1 }, { b: [6, 5], c: [6] });
    expect(shape).toEqual([4, 6]);
    expect(macs).toBe(4 * 5 * 6);
    expect(flops).toBe(2 * 120 + 24);
  });

  it('counts a classifier head (transB = 1, as PyTorch exports Linear)', () => {
    expect(single('Gemm', { x: [8, 512] }, { transB: 1 }, { w: [1000, 512], b: [1000] }).macs).toBe(8 * 512 * 1000);
  });
});

describe('Einsum', () => {
  it('counts every combination of the distinct indices for two operands', () => {
    const { macs, shape } = single('Einsum', { q: [2, 4, 10, 16], k: [2, 4, 12, 16] }, { equation: 'bhid,bhjd->bhij' });
    expect(shape).toEqual([2, 4, 10, 12]);
    expect(macs).toBe(2 * 4 * 10 * 12 * 16);
  });

  it('infers the output of an implicit equation and expands ellipses', () => {
    expect(single('Einsum', { a: [3, 4], b: [4, 5] }, { equation: 'ij,jk' })).toMatchObject({ shape: [3, 5], macs: 60 });
    expect(single('Einsum', { a: [2, 7, 3, 4], b: [4, 5] }, { equation: '...ij,jk->...ik' })).toMatchObject({ shape: [2, 7, 3, 5], macs: 2 * 7 * 60 });
  });

  it('costs a one-operand reduction one FLOP per input element, and a transpose nothing', () => {
    expect(single('Einsum', { a: [6, 8] }, { equation: 'ij->j' })).toMatchObject({ shape: [8], macs: 0, flops: 48 });
    expect(single('Einsum', { a: [6, 8] }, { equation: 'ij->ji' })).toMatchObject({ shape: [8, 6], flops: 0 });
  });
});

describe('fused attention', () => {
  it('counts com.microsoft Attention: the QKV projection, the scores and the context', () => {
    const [batch, sequence, hidden, heads] = [2, 64, 128, 4];
    const { macs, shape } = single(
      'Attention',
      { x: [batch, sequence, hidden] },
      { num_heads: heads },
      { w: [hidden, 3 * hidden], b: [3 * hidden] },
      'com.microsoft',
    );
    expect(shape).toEqual([batch, sequence, hidden]);
    expect(macs).toBe(batch * sequence * hidden * 3 * hidden + 2 * batch * sequence * sequence * hidden);
  });

  it('counts com.microsoft MultiHeadAttention over projected queries, keys and values', () => {
    const { macs, shape } = single('MultiHeadAttention', { q: [1, 10, 64], k: [1, 20, 64], v: [1, 20, 32] }, { num_heads: 8 }, {}, 'com.microsoft');
    expect(shape).toEqual([1, 10, 32]);
    expect(macs).toBe(10 * 20 * 64 + 10 * 20 * 32);
  });

  it('counts the standard Attention operator (opset 23) with 4-D inputs', () => {
    const { macs, shape } = single('Attention', { q: [2, 8, 16, 32], k: [2, 8, 24, 32], v: [2, 8, 24, 32] });
    expect(shape).toEqual([2, 8, 16, 32]);
    expect(macs).toBe(2 * 2 * 8 * 16 * 24 * 32);
  });
});

describe('quantized graphs', () => {
  it('passes shapes through QuantizeLinear and DequantizeLinear and counts MatMulNBits from its attributes', () => {
    const report = countFlops(
      graph({
        inputs: { x: [2, 16, 64] },
        weights: { scale: [], zero: { name: 'zero', dims: [], dataType: 3 }, packed: [128, 1, 32] },
        nodes: [
          node('QuantizeLinear', ['x', 'scale', 'zero'], ['q']),
          node('DequantizeLinear', ['q', 'scale', 'zero'], ['dq']),
          node('MatMulNBits', ['dq', 'packed'], ['y'], { K: 64, N: 128, bits: 4, block_size: 32 }, 'com.microsoft'),
        ],
      }),
    );
    expect(report.macs).toBe(2 * 16 * 64 * 128);
    expect(report.flops).toBe(2 * report.macs + 2 * 2 * (2 * 16 * 64));
    expect(report.unknownOps).toEqual([]);
  });
});
