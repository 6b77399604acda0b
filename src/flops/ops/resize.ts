import { type OpCall, type OpRule, ShapeError, type TensorInfo } from './rule.js';
import { normalizeAxis, product } from './shape-math.js';

// Resize and Upsample. Each output element is a weighted sum of its neighbours along the k resized axes:
// nearest copies (0 FLOPs), linear weighs 2^k neighbours and cubic 4^k, a multiply and an add each.

function resizedShape(call: OpCall, x: readonly number[]): number[] {
  const rank = x.length;
  const axes = call.ints('axes')?.map((axis) => normalizeAxis(axis, rank)) ?? x.map((_, axis) => axis);
  const sizes = call.has(3) ? call.value(3) : [];
  if (sizes.length > 0) {
    const output = [...x];
    const policy = call.string('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((axis, index) => {
        output[axis] = sizes[index] as number;
      });
      return output;
    }
    const ratios = axes.map((axis, index) => (sizes[index] as number) / (x[axis] as number));
    const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    for (const axis of axes) output[axis] = Math.round(scale * (x[axis] as number));
    return output;
  }
  // Upsample (opsets 7 and 8) and Resize (opset 10) carry the scales as an attribute or as input 1; Resize 11+ as input 2.
  const scalesIndex = call.node.opType === 'Resize' && call.node.inputs.length > 2 ? 2 : 1;
  const scales = call.has(scalesIndex) ? call.value(scalesIndex) : call.ints('scales');
  if (scales === undefined || scales.length === 0) throw new ShapeError('expected scales or sizes');
  const output = [...x];
  axes.forEach((axis, index) => {
    output[axis] = Math.floor((x[axis] as number) * (scales[index] ?? 1));
  });
  return output;
}

/** The Resize / Upsample rule. */
export const resizeRule: OpRule = {
  infer(call) {
    const x = call.input(0);
    return [{ shape: resizedShape(call, x.shape), dataType: x.dataType }];
  },
  cost(call, [y]) {
    const mode = call.string('mode', 'nearest');
    if (mode === 'nearest') return { macs: 0, flops: 0 };
    const x = call.shape(0);
    const output = (y as TensorInfo).shape;
    const resizedAxes = output.filter((dim, axis) => dim !== x[axis]).length;
    const neighbours = (mode === 'cubic' ? 4 : 2) ** resizedAxes;
    return { macs: 0, flops: product(output) * 2 * neighbours };
  },
};
