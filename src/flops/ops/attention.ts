import { softmaxCost } from '../costs.js';
import { type OpCall, type OpRule, ShapeError, type TensorInfo } from './rule.js';

// Fused attention operators. For B sequences of S queries over T keys, the score product Q·Kᵀ and the context
// product P·V cost B·S·T·(query width) and B·S·T·(value width) MACs, the same as the MatMuls of an unfused export.
// Each score also costs 1 FLOP of scaling and softmax's 5 (plus 1 when a mask or bias is added).

interface AttentionPlan {
  batch: number;
  heads: number;
  queries: number;
  keys: number;
  /** Width of Q·K (heads × head size) and of the values (heads × value head size). */
  qkWidth: number;
  valueWidth: number;
  /** MACs outside the attention itself (the QKV projection of com.microsoft Attention). */
  projectionMacs: number;
  /** Bias adds and masks, counted as other FLOPs. */
  extraFlops: number;
  masked: boolean;
  output: number[];
}

function attentionRule(plan: (call: OpCall) => AttentionPlan, extraOutputs?: (call: OpCall, p: AttentionPlan) => number[][]): OpRule {
  return {
    infer(call) {
      const p = plan(call);
      const dataType = call.input(0).dataType;
      return [p.output, ...(extraOutputs?.(call, p) ?? [])].map((shape): TensorInfo => ({ shape, dataType }));
    },
    cost(call) {
      const p = plan(call);
      const scores = p.batch * p.queries * p.keys;
      const macs = p.projectionMacs + scores * p.qkWidth + scores * p.valueWidth;
      const flops = scores * p.heads * (1 + softmaxCost + (p.masked ? 1 : 0)) + p.extraFlops;
      return { macs, flops };
    },
  };
}

/** com.microsoft Attention: input [B, S, In] × weights [In, Hq+Hk+Hv], then multi-head attention over S (+ past) keys. */
function microsoftAttention(call: OpCall): AttentionPlan {
  const [batch = 1, queries = 1, inputWidth = 1] = call.shape(0);
  const weights = call.shape(1);
  const total = weights[1] ?? 0;
  const [hq = total / 3, , hv = total / 3] = call.ints('qkv_hidden_sizes') ?? [];
  const past = call.has(4) ? (call.shape(4)[3] ?? 0) : 0;
  const heads = call.int('num_heads', 1);
  return {
    batch,
    heads,
    queries,
    keys: queries + past,
    qkWidth: hq,
    valueWidth: hv,
    projectionMacs: batch * queries * inputWidth * total,
    extraFlops: call.has(2) ? batch * queries * total : 0,
    masked: call.has(3) || call.has(5),
    output: [batch, queries, hv],
  };
}

/** com.microsoft MultiHeadAttention: projected Q, K, V as [B, S, D], [B, N, L, H], or packed. */
function microsoftMultiHeadAttention(call: OpCall): AttentionPlan {
  const query = call.shape(0);
  const heads = call.int('num_heads', 1);
  const batch = query[0] ?? 1;
  const queries = query[1] ?? 1;
  let width: number;
  let keys: number;
  let valueWidth: number;
  if (query.length === 5) {
    // Packed QKV [B, S, N, 3, H].
    width = (query[2] ?? 1) * (query[4] ?? 1);
    keys = queries;
    valueWidth = width;
  } else {
    width = query[2] ?? 1;
    const key = call.shape(1);
    if (key.length === 5) {
      keys = key[1] ?? 1;
      valueWidth = (key[2] ?? 1) * (key[4] ?? 1);
    } else {
      keys = key.length === 4 ? (key[2] ?? 1) : (key[1] ?? 1);
      const value = call.has(2) ? call.shape(2) : key;
      valueWidth = value.length === 4 ? heads * (value[3] ?? 1) : (value[2] ?? width);
      if (key.length === 3 && call.has(6)) keys += call.shape(6)[2] ?? 0;
    }
  }
  return {
    batch,
    heads,
    queries,
    keys,
    qkWidth: width,
    valueWidth,
    projectionMacs: 0,
    extraFlops: call.has(3) ? batch * (queries * width + keys * (width + valueWidth)) : 0,
    masked: call.has(4) || call.has(5),
    output: [batch, queries, valueWidth],
  };
}

/** Attention (opset 23): Q [B, Hq, S, d] or [B, S, Hq·d]; K and V likewise with their own heads; past keys prepended. */
function standardAttention(call: OpCall): AttentionPlan {
  const q = call.shape(0);
  const k = call.shape(1);
  const v = call.shape(2);
  if (q.length !== 3 && q.length !== 4) throw new ShapeError(`expected Q of rank 3 or 4, got [${q}]`);
  const fourD = q.length === 4;
  const heads = fourD ? (q[1] ?? 1) : call.int('q_num_heads', 1);
  const kvHeads = fourD ? (k[1] ?? 1) : call.int('kv_num_heads', 1);
  const batch = q[0] ?? 1;
  const queries = fourD ? (q[2] ?? 1) : (q[1] ?? 1);
  const headSize = fourD ? (q[3] ?? 1) : (q[2] ?? 1) / heads;
  const valueHeadSize = fourD ? (v[3] ?? 1) : (v[2] ?? 1) / kvHeads;
  const past = call.has(4) ? (call.shape(4)[2] ?? 0) : 0;
  const keys = (fourD ? (k[2] ?? 1) : (k[1] ?? 1)) + past;
  return {
    batch,
    heads,
    queries,
    keys,
    qkWidth: heads * headSize,
    valueWidth: heads * valueHeadSize,
    projectionMacs: 0,
    extraFlops: 0,
    masked: call.has(3),
    output: fourD ? [batch, heads, queries, valueHeadSize] : [batch, queries, heads * valueHeadSize],
  };
}

/** The standard-domain Attention rule (opset 23). */
export const attentionRules: Record<string, OpRule> = {
  Attention: attentionRule(standardAttention, (call, p) => {
    const k = call.shape(1);
    const kvHeads = k.length === 4 ? (k[1] ?? 1) : call.int('kv_num_heads', 1);
    const headSize = p.qkWidth / p.heads;
    return [
      [p.batch, kvHeads, p.keys, headSize],
      [p.batch, kvHeads, p.keys, p.valueWidth / p.heads],
      [p.batch, p.heads, p.queries, p.keys],
    ];
  }),
};

/** onnxruntime's fused attention operators (com.microsoft). */
export const microsoftAttentionRules: Record<string, OpRule> = {
  Attention: attentionRule(microsoftAttention, (call, p) => [[2, p.batch, p.heads, p.keys, p.qkWidth / p.heads]].slice(0, call.node.outputs.length - 1)),
  MultiHeadAttention: attentionRule(microsoftMultiHeadAttention, (_call, p) => [
    [p.batch, p.heads, p.keys, p.qkWidth / p.heads],
    [p.batch, p.heads, p.keys, p.valueWidth / p.heads],
  ]),
};
