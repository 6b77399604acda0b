import { unaryCost } from '../costs.js';
import { attentionRules, microsoftAttentionRules } from './attention.js';
import { constantRules } from './constants.js';
import { convRules } from './conv.js';
import { einsumRule } from './einsum.js';
import { elementwiseRules } from './elementwise.js';
import { gatherScatterRules } from './gather-scatter.js';
import { indexingRules } from './indexing.js';
import { matmulRules, microsoftMatmulRules } from './matmul.js';
import { microsoftNormalizationRules, normalizationRules } from './normalization.js';
import { poolRules } from './pool.js';
import { matMulNBits, quantizeRules } from './quantize.js';
import { reduceRules } from './reduce.js';
import { resizeRule } from './resize.js';
import { type OpRule, type TensorInfo, UnknownInput } from './rule.js';
import { shapeRules } from './shape.js';
import { product } from './shape-math.js';

// The operator table: rules by domain, then by op_type.

/** Operators whose output shapes depend on the data (or on a subgraph), known but not counted past. */
const dataDependent: OpRule = {
  infer(call) {
    throw new UnknownInput(`the output shape of ${call.node.opType} depends on the data`);
  },
};

const standard: Record<string, OpRule> = {
  ...constantRules,
  ...shapeRules,
  ...indexingRules,
  ...gatherScatterRules,
  ...elementwiseRules,
  ...convRules,
  ...poolRules,
  ...matmulRules,
  ...normalizationRules,
  ...reduceRules,
  ...attentionRules,
  ...quantizeRules,
  Einsum: einsumRule,
  Resize: resizeRule,
  Upsample: resizeRule,
  NonMaxSuppression: dataDependent,
  If: dataDependent,
  Loop: dataDependent,
  Scan: dataDependent,
};

/** onnxruntime's BiasAdd (X + bias + skip): two FLOPs per element. */
const biasAdd: OpRule = {
  infer: (call) => [{ shape: call.shape(0), dataType: call.input(0).dataType }],
  cost: (_call, [y]) => ({ macs: 0, flops: 2 * product((y as TensorInfo).shape) }),
};

const microsoft: Record<string, OpRule> = {
  ...microsoftAttentionRules,
  ...microsoftMatmulRules,
  ...microsoftNormalizationRules,
  BiasAdd: biasAdd,
  MatMulNBits: matMulNBits,
};
for (const op of ['Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu']) {
  const rule = elementwiseRules[op];
  if (rule && unaryCost[op] !== undefined) microsoft[op] = rule;
}

const domains: Record<string, Record<string, OpRule>> = { '': standard, 'com.microsoft': microsoft };

/** The rule for an operator, or undefined when runmeter does not know it. */
export function findRule(domain: string, opType: string): OpRule | undefined {
  const rules = domains[domain];
  return rules !== undefined && Object.hasOwn(rules, opType) ? rules[opType] : undefined;
}
