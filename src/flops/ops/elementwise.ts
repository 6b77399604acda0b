import { binaryCost, unaryCost } from '../costs.js';
import { DataType } from '../onnx/tensor-values.js';
import { type OpCall, type OpRule, type TensorInfo, UnknownInput } from './rule.js';
import { broadcast, product } from './shape-math.js';
import { foldElementwise } from './values.js';

// Elementwise operators: the output is the broadcast of the inputs; each costs a fixed number of FLOPs per output
// element (costs.ts). Small integer tensors are also computed, for the shape arithmetic that feeds Reshape & co.

type Fold = (args: number[], call: OpCall) => number;

const integerTypes = new Set<number>([
  DataType.int8,
  DataType.int16,
  DataType.int32,
  DataType.int64,
  DataType.uint8,
  DataType.uint16,
  DataType.uint32,
  DataType.uint64,
]);

function isInteger(dataType: number): boolean {
  return integerTypes.has(dataType);
}

function elementwise(options: { cost: number | ((inputs: number) => number); fold?: Fold; outputType?: number }): OpRule {
  return {
    infer(call) {
      const inputs: TensorInfo[] = call.node.inputs.map((_, index) => call.input(index));
      const shape = broadcast(...inputs.map((input) => input.shape));
      const dataType = options.outputType ?? inputs[0]?.dataType ?? DataType.float;
      const fold = options.fold;
      const value = fold === undefined ? undefined : foldElementwise(inputs, shape, (args) => fold(args, call));
      return [value === undefined ? { shape, dataType } : { shape, dataType, value }];
    },
    cost(call, [y]) {
      const perElement = typeof options.cost === 'number' ? options.cost : options.cost(call.node.inputs.length);
      return { macs: 0, flops: product((y as TensorInfo).shape) * perElement };
    },
  };
}

const truncatingDivide: Fold = (args, call) => {
  const [a = 0, b = 0] = args;
  return isInteger(call.input(0).dataType) ? Math.trunc(a / b) : a / b;
};

const modulo: Fold = ([a = 0, b = 0], call) => (call.int('fmod', 0) === 1 ? a % b : a - Math.floor(a / b) * b);

const bool =
  (test: (args: number[]) => boolean): Fold =>
  (args) =>
    test(args) ? 1 : 0;

const castTo = (dataType: number, value: number): number => {
  if (dataType === DataType.bool) return value !== 0 ? 1 : 0;
  if (isInteger(dataType)) return Math.trunc(value);
  if (dataType === DataType.float) return Math.fround(value);
  return value;
};

const cast: OpRule = {
  infer(call) {
    const input = call.input(0);
    const dataType = call.int('to', DataType.float);
    return [{ shape: input.shape, dataType, ...(input.value ? { value: input.value.map((v) => castTo(dataType, v)) } : {}) }];
  },
};

const castLike: OpRule = {
  infer(call) {
    const input = call.input(0);
    const dataType = call.input(1).dataType;
    return [{ shape: input.shape, dataType, ...(input.value ? { value: input.value.map((v) => castTo(dataType, v)) } : {}) }];
  },
};

/** Clip's min and max come from attributes before opset 11 and from optional inputs after. */
const clip: OpRule = {
  infer(call) {
    const input = call.input(0);
    let low = call.float('min', Number.NEGATIVE_INFINITY);
    let high = call.float('max', Number.POSITIVE_INFINITY);
    try {
      low = call.optionalValue(1)?.[0] ?? low;
      high = call.optionalValue(2)?.[0] ?? high;
    } catch (error) {
      // Bounds computed at run time leave the shape as it is; only the folded value needs them.
      if (!(error instanceof UnknownInput)) throw error;
      return [{ shape: input.shape, dataType: input.dataType }];
    }
    const value = input.value?.map((v) => Math.min(Math.max(v, low), high));
    return [{ shape: input.shape, dataType: input.dataType, ...(value ? { value } : {}) }];
  },
  cost(_call, [y]) {
    return { macs: 0, flops: product((y as TensorInfo).shape) * (unaryCost.Clip ?? 2) };
  },
};

const unaryFolds: Record<string, Fold> = {
  Neg: ([a = 0]) => -a,
  Abs: ([a = 0]) => Math.abs(a),
  Sqrt: ([a = 0]) => Math.sqrt(a),
  Floor: ([a = 0]) => Math.floor(a),
  Ceil: ([a = 0]) => Math.ceil(a),
  Round: ([a = 0]) => roundHalfEven(a),
  Reciprocal: ([a = 0]) => 1 / a,
  Relu: ([a = 0]) => Math.max(a, 0),
  Sign: ([a = 0]) => Math.sign(a),
  Exp: ([a = 0]) => Math.exp(a),
  Log: ([a = 0]) => Math.log(a),
  Sin: ([a = 0]) => Math.sin(a),
  Cos: ([a = 0]) => Math.cos(a),
  Tanh: ([a = 0]) => Math.tanh(a),
  Not: bool(([a]) => !a),
  IsNaN: bool(([a = 0]) => Number.isNaN(a)),
  IsInf: (([a = 0], call) =>
    (a === Number.POSITIVE_INFINITY && call.int('detect_positive', 1) === 1) || (a === Number.NEGATIVE_INFINITY && call.int('detect_negative', 1) === 1)
      ? 1
      : 0) as Fold,
  BitwiseNot: ([a = 0]) => ~a,
};

/** ONNX's Round: halves go to the even neighbour. */
function roundHalfEven(a: number): number {
  const floor = Math.floor(a);
  const rest = a - floor;
  if (rest !== 0.5) return Math.round(a);
  return floor % 2 === 0 ? floor : floor + 1;
}

const binaryFolds: Record<string, Fold> = {
  Add: ([a = 0, b = 0]) => a + b,
  Sub: ([a = 0, b = 0]) => a - b,
  Mul: ([a = 0, b = 0]) => a * b,
  Div: truncatingDivide,
  Pow: ([a = 0, b = 0]) => a ** b,
  Mod: modulo,
  BitShift: ([a = 0, b = 0], call) => (call.string('direction', 'LEFT') === 'LEFT' ? a * 2 ** b : Math.floor(a / 2 ** b)),
  BitwiseAnd: ([a = 0, b = 0]) => a & b,
  BitwiseOr: ([a = 0, b = 0]) => a | b,
  BitwiseXor: ([a = 0, b = 0]) => a ^ b,
};

const comparisons: Record<string, Fold> = {
  Equal: bool(([a, b]) => a === b),
  Less: bool(([a = 0, b = 0]) => a < b),
  Greater: bool(([a = 0, b = 0]) => a > b),
  LessOrEqual: bool(([a = 0, b = 0]) => a <= b),
  GreaterOrEqual: bool(([a = 0, b = 0]) => a >= b),
  And: bool(([a, b]) => Boolean(a) && Boolean(b)),
  Or: bool(([a, b]) => Boolean(a) || Boolean(b)),
  Xor: bool(([a, b]) => Boolean(a) !== Boolean(b)),
};

const variadicFolds: Record<string, { fold: Fold; cost: (inputs: number) => number }> = {
  Sum: { fold: (args) => args.reduce((a, b) => a + b, 0), cost: (n) => n - 1 },
  Max: { fold: (args) => Math.max(...args), cost: (n) => n - 1 },
  Min: { fold: (args) => Math.min(...args), cost: (n) => n - 1 },
  Mean: { fold: (args) => args.reduce((a, b) => a + b, 0) / args.length, cost: (n) => n },
};

function buildRules(): Record<string, OpRule> {
  const rules: Record<string, OpRule> = { Cast: cast, CastLike: castLike, Clip: clip };
  for (const [op, cost] of Object.entries(unaryCost)) {
    if (op === 'Clip') continue;
    const fold = unaryFolds[op];
    const outputType = op === 'Not' || op === 'IsNaN' || op === 'IsInf' ? DataType.bool : undefined;
    rules[op] = elementwise({ cost, ...(fold ? { fold } : {}), ...(outputType ? { outputType } : {}) });
  }
  for (const [op, fold] of Object.entries(binaryFolds)) rules[op] = elementwise({ cost: binaryCost, fold });
  for (const [op, fold] of Object.entries(comparisons)) rules[op] = elementwise({ cost: binaryCost, fold, outputType: DataType.bool });
  for (const [op, { fold, cost }] of Object.entries(variadicFolds)) rules[op] = elementwise({ cost, fold });
  rules.Where = {
    ...elementwise({ cost: 1, fold: ([c, x = 0, y = 0]) => (c ? x : y) }),
    infer(call) {
      const [condition, x, y] = [call.input(0), call.input(1), call.input(2)];
      const shape = broadcast(condition.shape, x.shape, y.shape);
      const value = foldElementwise([condition, x, y], shape, ([c, a = 0, b = 0]) => (c ? a : b));
      return [{ shape, dataType: x.dataType, ...(value ? { value } : {}) }];
    },
  };
  // Gelu's cost depends on its `approximate` attribute (opset 20).
  rules.Gelu = {
    ...elementwise({ cost: unaryCost.Gelu ?? 5 }),
    cost(call, [y]) {
      const perElement = call.string('approximate', 'none') === 'tanh' ? (unaryCost.FastGelu ?? 9) : (unaryCost.Gelu ?? 5);
      return { macs: 0, flops: product((y as TensorInfo).shape) * perElement };
    },
  };
  return rules;
}

/** Rules for the elementwise operators of the standard domain. */
export const elementwiseRules: Record<string, OpRule> = buildRules();
