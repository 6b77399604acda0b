import { blockValues, padValues, tileValues } from './layout-values.js';
import { type OpRule, ShapeError } from './rule.js';
import { broadcast, normalizeAxis, product } from './shape-math.js';
import { broadcastValues, foldable, stridesOf } from './values.js';

// Operators that select, join or repeat data: no FLOPs, but their output shapes carry the graph forward, and the
// shape arithmetic exporters emit runs through them (Gather of a Shape, Concat of dims, Slice of a shape vector).

/** Gather along an axis: data[:axis] + indices.shape + data[axis+1:]. */
const gather: OpRule = {
  infer(call) {
    const data = call.input(0);
    const indices = call.input(1);
    const axis = normalizeAxis(call.int('axis', 0), data.shape.length);
    const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
    let value: number[] | undefined;
    if (data.value && indices.value && foldable(shape)) {
      const size = data.shape[axis] as number;
      const inner = product(data.shape.slice(axis + 1));
      const outer = product(data.shape.slice(0, axis));
      value = [];
      for (let o = 0; o < outer; o++) {
        for (const raw of indices.value) {
          const index = raw < 0 ? raw + size : raw;
          const start = (o * size + index) * inner;
          for (let i = 0; i < inner; i++) value.push(data.value[start + i] as number);
        }
      }
    }
    return [value ? { shape, dataType: data.dataType, value } : { shape, dataType: data.dataType }];
  },
};

/** Slice: starts/ends/axes/steps are inputs from opset 10 on, attributes before; bounds clamp as the spec says. */
const slice: OpRule = {
  infer(call) {
    const data = call.input(0);
    const fromInputs = call.has(1);
    const starts = fromInputs ? call.value(1) : (call.ints('starts') ?? []);
    const ends = fromInputs ? call.value(2) : (call.ints('ends') ?? []);
    const axes = (fromInputs ? call.optionalValue(3) : call.ints('axes')) ?? starts.map((_, index) => index);
    const steps = (fromInputs ? call.optionalValue(4) : undefined) ?? starts.map(() => 1);
    const shape = [...data.shape];
    const ranges = data.shape.map((dim) => ({ start: 0, step: 1, count: dim }));
    axes.forEach((rawAxis, index) => {
      const axis = normalizeAxis(rawAxis, data.shape.length);
      const dim = data.shape[axis] as number;
      const step = steps[index] ?? 1;
      if (step === 0) throw new ShapeError('Slice step must not be 0');
      let start = starts[index] ?? 0;
      let end = ends[index] ?? dim;
      if (start < 0) start += dim;
      if (end < 0) end += dim;
      start = step > 0 ? Math.min(Math.max(start, 0), dim) : Math.min(Math.max(start, 0), dim - 1);
      end = step > 0 ? Math.min(Math.max(end, 0), dim) : Math.min(Math.max(end, -1), dim - 1);
      const count = Math.max(0, Math.ceil((end - start) / step));
      shape[axis] = count;
      ranges[axis] = { start, step, count };
    });
    let value: number[] | undefined;
    if (data.value && foldable(shape)) {
      const strides = stridesOf(data.shape);
      value = [];
      const walk = (axis: number, offset: number) => {
        if (axis === shape.length) {
          value?.push(data.value?.[offset] as number);
          return;
        }
        const { start, step, count } = ranges[axis] as { start: number; step: number; count: number };
        for (let i = 0; i < count; i++) walk(axis + 1, offset + (start + i * step) * (strides[axis] as number));
      };
      walk(0, 0);
    }
    return [value ? { shape, dataType: data.dataType, value } : { shape, dataType: data.dataType }];
  },
};

/** Concat along an axis; values are joined when every input carries them. */
const concat: OpRule = {
  infer(call) {
    const inputs = call.node.inputs.map((_, index) => call.input(index)).filter((input) => !(input.shape.length === 1 && input.shape[0] === 0));
    const first = inputs[0] ?? call.input(0);
    const axis = normalizeAxis(call.int('axis', 0), first.shape.length);
    const shape = [...first.shape];
    shape[axis] = inputs.reduce((sum, input) => sum + (input.shape[axis] ?? 0), 0);
    let value: number[] | undefined;
    if (inputs.every((input) => input.value) && foldable(shape)) {
      const outer = product(shape.slice(0, axis));
      value = [];
      for (let o = 0; o < outer; o++) {
        for (const input of inputs) {
          const chunk = product(input.shape.slice(axis));
          value.push(...(input.value as number[]).slice(o * chunk, (o + 1) * chunk));
        }
      }
    }
    return [value ? { shape, dataType: first.dataType, value } : { shape, dataType: first.dataType }];
  },
};

/** Split: sizes from the `split` input (opset 13), the attribute (before), num_outputs (18), or equal parts. */
const split: OpRule = {
  infer(call) {
    const data = call.input(0);
    const axis = normalizeAxis(call.int('axis', 0), data.shape.length);
    const dim = data.shape[axis] as number;
    const parts = call.node.outputs.length;
    let sizes = call.has(1) ? call.value(1) : call.ints('split');
    if (sizes === undefined) {
      const chunk = Math.ceil(dim / parts);
      sizes = Array.from({ length: parts }, (_, index) => Math.max(0, Math.min(chunk, dim - index * chunk)));
    }
    let offset = 0;
    return sizes.map((size) => {
      const shape = [...data.shape];
      shape[axis] = size;
      const value = data.value && foldable(shape) ? blockValues(data.value, data.shape, axis, offset, size) : undefined;
      offset += size;
      return value ? { shape, dataType: data.dataType, value } : { shape, dataType: data.dataType };
    });
  },
};

/** Pad: pads from the input (opset 11) or the attribute, optionally limited to `axes` (opset 18). */
const pad: OpRule = {
  infer(call) {
    const data = call.input(0);
    const pads = call.has(1) ? call.value(1) : (call.ints('pads') ?? []);
    const axes = (call.has(3) ? call.value(3) : undefined)?.map((axis) => normalizeAxis(axis, data.shape.length)) ?? data.shape.map((_, axis) => axis);
    const shape = [...data.shape];
    const begins = data.shape.map(() => 0);
    axes.forEach((axis, index) => {
      begins[axis] = pads[index] ?? 0;
      shape[axis] = (shape[axis] as number) + (pads[index] ?? 0) + (pads[index + axes.length] ?? 0);
    });
    if (!data.value || !foldable(shape)) return [{ shape, dataType: data.dataType }];
    const fill = call.has(2) ? (call.value(2)[0] ?? 0) : call.float('value', 0);
    return [{ shape, dataType: data.dataType, value: padValues(data.value, data.shape, shape, begins, call.string('mode', 'constant'), fill) }];
  },
};

const tile: OpRule = {
  infer(call) {
    const data = call.input(0);
    const repeats = call.value(1);
    const shape = data.shape.map((dim, axis) => dim * (repeats[axis] ?? 1));
    if (!data.value || !foldable(shape)) return [{ shape, dataType: data.dataType }];
    return [{ shape, dataType: data.dataType, value: tileValues(data.value, data.shape, shape) }];
  },
};

/** Expand: broadcast of the input's shape and the requested one. */
const expand: OpRule = {
  infer(call) {
    const data = call.input(0);
    const shape = broadcast(data.shape, call.value(1));
    const value = data.value && foldable(shape) ? broadcastValues(data.value, data.shape, shape) : undefined;
    return [value ? { shape, dataType: data.dataType, value } : { shape, dataType: data.dataType }];
  },
};

const sameAsFirst: OpRule = {
  infer: (call) => [{ shape: call.shape(0), dataType: call.input(0).dataType }],
};

/** TopK: the axis shrinks to K (an input from opset 10, an attribute before); values and int64 indices. */
const topK: OpRule = {
  infer(call) {
    const data = call.input(0);
    const axis = normalizeAxis(call.int('axis', -1), data.shape.length);
    const k = call.has(1) ? (call.value(1)[0] as number) : call.int('k', 1);
    const shape = [...data.shape];
    shape[axis] = k;
    return [
      { shape, dataType: data.dataType },
      { shape, dataType: 7 },
    ];
  },
  cost: (call) => ({ macs: 0, flops: product(call.shape(0)) }),
};

/** Trilu: the upper (or lower) triangle of the last two dims from diagonal k, the rest zeroed. */
const trilu: OpRule = {
  infer(call) {
    const data = call.input(0);
    if (!data.value) return [{ shape: data.shape, dataType: data.dataType }];
    const k = call.optionalValue(1)?.[0] ?? 0;
    const upper = call.int('upper', 1) === 1;
    const rows = data.shape[data.shape.length - 2] ?? 1;
    const columns = data.shape[data.shape.length - 1] ?? 1;
    const value = data.value.map((v, flat) => {
      const column = flat % columns;
      const row = Math.floor(flat / columns) % rows;
      return (upper ? column - row >= k : column - row <= k) ? v : 0;
    });
    return [{ shape: data.shape, dataType: data.dataType, value }];
  },
};

/** CumSum along an axis (an input), optionally exclusive and reversed; one FLOP per element. */
const cumSum: OpRule = {
  infer(call) {
    const data = call.input(0);
    if (!data.value) return [{ shape: data.shape, dataType: data.dataType }];
    const axis = normalizeAxis(call.value(1)[0] ?? 0, data.shape.length);
    const exclusive = call.int('exclusive', 0) === 1;
    const reverse = call.int('reverse', 0) === 1;
    const stride = stridesOf(data.shape)[axis] as number;
    const size = data.shape[axis] as number;
    const value = new Array<number>(data.value.length).fill(0);
    for (let flat = 0; flat < data.value.length; flat++) {
      const position = Math.floor(flat / stride) % size;
      if (position !== (reverse ? size - 1 : 0)) continue;
      let sum = 0;
      for (let step = 0; step < size; step++) {
        const at = flat + (reverse ? -step : step) * stride;
        if (exclusive) value[at] = sum;
        sum += data.value[at] as number;
        if (!exclusive) value[at] = sum;
      }
    }
    return [{ shape: data.shape, dataType: data.dataType, value }];
  },
  cost: (call) => ({ macs: 0, flops: product(call.shape(0)) }),
};

/** Rules for selection, joining and repetition. */
export const indexingRules: Record<string, OpRule> = {
  Gather: gather,
  Slice: slice,
  Concat: concat,
  Split: split,
  Pad: pad,
  Tile: tile,
  Expand: expand,
  Trilu: trilu,
  ReverseSequence: sameAsFirst,
  TopK: topK,
  CumSum: cumSum,
};
