// FLOPs per output element of the operators that are not multiply-accumulates, documented in docs/flops.md (Cost per operator).
// A transcendental function (exp, erf, tanh, ...) counts as one operation, as the formulas below are written.

/** Cost per output element of one-input elementwise operators and activations. */
export const unaryCost: Record<string, number> = {
  Relu: 1,
  Abs: 1,
  Neg: 1,
  Sign: 1,
  Floor: 1,
  Ceil: 1,
  Round: 1,
  Reciprocal: 1,
  Sqrt: 1,
  Exp: 1,
  Log: 1,
  Erf: 1,
  Tanh: 1,
  Sin: 1,
  Cos: 1,
  Tan: 1,
  Asin: 1,
  Acos: 1,
  Atan: 1,
  Sinh: 1,
  Cosh: 1,
  Asinh: 1,
  Acosh: 1,
  Atanh: 1,
  Not: 1,
  IsNaN: 1,
  IsInf: 1,
  BitwiseNot: 1,
  ThresholdedRelu: 1,
  // max(x, 0) + alpha·min(x, 0): compare, multiply
  LeakyRelu: 2,
  PRelu: 2,
  // min and max
  Clip: 2,
  Shrink: 2,
  // x < 0 ? alpha·(exp(x) − 1) : x
  Elu: 3,
  Celu: 4,
  Selu: 4,
  // log(exp(x) + 1), x / (1 + |x|)
  Softplus: 3,
  Softsign: 3,
  // 1 / (1 + exp(−x)): negate, exp, add, divide
  Sigmoid: 4,
  // max(0, min(1, alpha·x + beta))
  HardSigmoid: 4,
  HardSwish: 5,
  // x · tanh(softplus(x))
  Mish: 5,
  // 0.5·x·(1 + erf(x/√2)); the tanh approximation (approximate="tanh", FastGelu) costs 9
  Gelu: 5,
  FastGelu: 9,
  QuickGelu: 6,
  BiasGelu: 6,
};

/** Cost per output element of elementwise operators of two or more inputs (each extra input adds one). */
export const binaryCost = 1;

/** Per element of the input: Softmax and LogSoftmax are max, subtract, exp, sum, divide. */
export const softmaxCost = 5;

/** Per element: mean, subtract, square, sum, scale by 1/σ, multiply by γ, add β. */
export const layerNormCost = 7;

/** Per element: square, sum, scale by 1/rms, multiply by γ. */
export const rmsNormCost = 4;

/** Per element, inference form: running statistics folded into one multiply and one add. */
export const batchNormCost = 2;

/** Per input element of a reduction (ReduceSum, ReduceMean, ArgMax, global pooling, ...). */
export const reduceCost = 1;
