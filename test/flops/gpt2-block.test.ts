import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import type { GraphNode, GraphTensor } from '../../src/flops/types.js';
import { float, graph, int64, node } from './graph.js';

// A GPT-2 block as torch.onnx.export writes transformers' eager GPT2Attention and Conv1D: Gemm between reshapes
// computed from x.size(), Split of the fused QKV, a causal mask sliced out of a 1024×1024 bool buffer at offsets
// computed from the sequence length, Where with the dtype's minimum, and gelu_new as Pow/Tanh arithmetic.

const [width, heads, inner] = [768, 12, 3072];

function gpt2Block() {
  const nodes: GraphNode[] = [];
  let id = 0;
  const op = (opType: string, inputs: string[], attributes: GraphNode['attributes'] = {}, outputs = 1): string => {
    const names = Array.from({ length: outputs }, () => `t${id++}`);
    nodes.push(node(opType, inputs, names, attributes));
    return names[0] as string;
  };
  const constant = (tensor: GraphTensor) => op('Constant', [], { value: tensor });
  const sizeAt = (x: string, axis: number) => op('Gather', [op('Shape', [x]), constant(int64([axis], []))], { axis: 0 });
  // Conv1D: size_out = x.size()[:-1] + (nf,); x = addmm(b, x.view(-1, x.size(-1)), w); x.view(size_out)
  const conv1d = (x: string, name: string, nf: number) => {
    const leading = op('Slice', [op('Shape', [x]), constant(int64([0])), constant(int64([-1])), constant(int64([0]))]);
    const sizeOut = op('Concat', [leading, constant(int64([nf]))], { axis: 0 });
    const flat = op('Reshape', [x, op('Concat', [constant(int64([-1])), op('Unsqueeze', [sizeAt(x, -1), constant(int64([0]))])], { axis: 0 })]);
    return op('Reshape', [op('Gemm', [flat, `${name}.weight`, `${name}.bias`]), sizeOut]);
  };
  const splitHeads = (x: string, perm: number[]) => {
    const leading = op('Slice', [op('Shape', [x]), constant(int64([0])), constant(int64([-1])), constant(int64([0]))]);
    return op('Transpose', [op('Reshape', [x, op('Concat', [leading, constant(int64([heads, width / heads]))], { axis: 0 })])], { perm });
  };
  const ln1 = op('LayerNormalization', ['hidden', 'ln_1.weight', 'ln_1.bias'], { axis: -1, epsilon: 1e-5 });
  const [q, k, v] = (() => {
    const qkv = conv1d(ln1, 'c_attn', 3 * width);
    const first = op('Split', [qkv, constant(int64([width, width, width]))], { axis: 2 }, 3);
    const index = Number(first.slice(1));
    return [first, `t${index + 1}`, `t${index + 2}`];
  })();
  const query = splitHeads(q, [0, 2, 1, 3]);
  const key = splitHeads(k, [0, 2, 1, 3]);
  const value = splitHeads(v, [0, 2, 1, 3]);
  let scores = op('MatMul', [query, op('Transpose', [key], { perm: [0, 1, 3, 2] })]);
  const scale = op('Pow', [op('Cast', [sizeAt(value, -1)], { to: 1 }), constant(float([0.5], []))]);
  scores = op('Div', [scores, scale]);
  const queryLength = sizeAt(query, -2);
  const keyLength = sizeAt(key, -2);
  const unsqueezed = (x: string) => op('Unsqueeze', [x, constant(int64([0]))]);
  const rows = op('Slice', ['attn.bias', unsqueezed(op('Sub', [keyLength, queryLength])), unsqueezed(keyLength), constant(int64([2]))]);
  const mask = op('Slice', [rows, constant(int64([0])), unsqueezed(keyLength), constant(int64([3]))]);
  scores = op('Where', [mask, scores, constant(float([-3.4028234663852886e38], []))]);
  const context = op('Transpose', [op('MatMul', [op('Softmax', [scores], { axis: -1 }), value])], { perm: [0, 2, 1, 3] });
  const merged = op('Reshape', [
    context,
    op('Concat', [op('Slice', [op('Shape', [context]), constant(int64([0])), constant(int64([-2])), constant(int64([0]))]), constant(int64([width]))], {
      axis: 0,
    }),
  ]);
  const attended = op('Add', [conv1d(merged, 'c_proj', width), 'hidden']);
  const hidden = conv1d(op('LayerNormalization', [attended, 'ln_2.weight', 'ln_2.bias'], { axis: -1, epsilon: 1e-5 }), 'mlp.c_fc', inner);
  // gelu_new: 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
  const cubic = op('Mul', [constant(float([0.044715], [])), op('Pow', [hidden, constant(float([3], []))])]);
  const tanh = op('Tanh', [op('Mul', [constant(float([Math.sqrt(2 / Math.PI)], [])), op('Add', [hidden, cubic])])]);
  const gelu = op('Mul', [op('Mul', [constant(float([0.5], [])), hidden]), op('Add', [constant(float([1], [])), tanh])]);
  op('Add', [attended, conv1d(gelu, 'mlp.c_proj', width)]);
  return graph({
    inputs: { hidden: ['batch', 'sequence', width] },
    weights: {
      'ln_1.weight': [width],
      'ln_1.bias': [width],
      'ln_2.weight': [width],
      'ln_2.bias': [width],
      'c_attn.weight': [width, 3 * width],
      'c_attn.bias': [3 * width],
      'c_proj.weight': [width, width],
      'c_proj.bias': [width],
      'mlp.c_fc.weight': [width, inner],
      'mlp.c_fc.bias': [inner],
      'mlp.c_proj.weight': [inner, width],
      'mlp.c_proj.bias': [width],
      'attn.bias': { name: 'attn.bias', dims: [1, 1, 1024, 1024], dataType: 9 },
    },
    nodes,
  });
}

describe('a GPT-2 block exported by torch', () => {
  it('counts the hand-computed MACs through Gemm reshapes, Split and the sliced causal mask', () => {
    const [batch, sequence] = [4, 128];
    const report = countFlops(gpt2Block(), { inputs: { hidden: [batch, sequence, width] } });
    const tokens = batch * sequence;
    const projections = tokens * width * 3 * width + tokens * width * width + 2 * tokens * width * inner;
    const attention = 2 * batch * heads * sequence * sequence * (width / heads);
    expect(report.warnings).toEqual([]);
    expect(report.macs).toBe(projections + attention);
    expect(report.byOp.Gemm?.nodes).toBe(4);
    expect(report.byOp.Where?.flops).toBe(batch * heads * sequence * sequence);
    // The bool mask buffer is not a parameter.
    expect(report.params).toBe(4 * width + width * 3 * width + 3 * width + width * width + width + 2 * width * inner + inner + width);
  });
});
